package dev.mailgate.outbound;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One complete (possibly multi-line) SMTP reply: the code and the text of each line. */
public record SmtpReply(int code, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    public static SmtpReply of(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    public boolean transientNegative() {
        return code >= 400 && code < 500;
    }

    public boolean permanentNegative() {
        return code >= 500;
    }

    /** RFC 3463 status from the first line, if the server gave one. */
    public Optional<String> enhancedStatus() {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = ENHANCED.matcher(lines.get(0));
        return m.find() ? Optional.of(m.group(1) + "." + m.group(2) + "." + m.group(3)) : Optional.empty();
    }

    /** Status for a DSN: the server's enhanced code, or one derived from the basic code class. */
    public String dsnStatus() {
        return enhancedStatus().orElse(code >= 500 ? "5.0.0" : code >= 400 ? "4.0.0" : "2.0.0");
    }

    /** The reply as it was on the wire, lines joined with a space (for logs, attempts and DSNs). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(code).append(i < lines.size() - 1 ? "-" : " ").append(lines.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
