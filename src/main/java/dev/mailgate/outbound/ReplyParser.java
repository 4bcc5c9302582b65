package dev.mailgate.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Assembles reply lines ("250-..." continuation, "250 ..." last) into {@link SmtpReply}s.
 * Lines are given without their CRLF. A malformed line is a protocol error.
 */
public final class ReplyParser {

    private final List<String> pending = new ArrayList<>();
    private int pendingCode = -1;

    public Optional<SmtpReply> feed(String line) {
        if (line.length() < 3
                || !Character.isDigit(line.charAt(0))
                || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2))) {
            throw new SmtpProtocolException("malformed reply line: " + abbreviate(line));
        }
        int code = Integer.parseInt(line.substring(0, 3));
        char sep = line.length() > 3 ? line.charAt(3) : ' ';
        if (sep != ' ' && sep != '-') {
            throw new SmtpProtocolException("malformed reply line: " + abbreviate(line));
        }
        if (pendingCode != -1 && pendingCode != code) {
            throw new SmtpProtocolException("reply code changed within a multi-line reply: " + abbreviate(line));
        }
        pendingCode = code;
        pending.add(line.length() > 4 ? line.substring(4) : "");
        if (sep == '-') {
            return Optional.empty();
        }
        SmtpReply reply = new SmtpReply(code, pending);
        pending.clear();
        pendingCode = -1;
        return Optional.of(reply);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    public static final class SmtpProtocolException extends RuntimeException {
        public SmtpProtocolException(String message) {
            super(message);
        }
    }
}
