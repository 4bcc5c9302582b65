package dev.mailgate.outbound;

import java.util.List;

/** The outcome of one delivery try for a group of recipients: per-recipient results, where, with what TLS. */
public record Attempt(List<RecipientResult> results, String mxHost, String tls) {

    public Attempt {
        results = List.copyOf(results);
    }

    /** Every recipient gets the same (locally made) answer. */
    public static Attempt all(OutboundMessage m, int code, String text, String mxHost) {
        SmtpReply reply = SmtpReply.of(code, text);
        return new Attempt(
                m.recipients().stream()
                        .map(r -> RecipientResult.of(r.address(), reply))
                        .toList(),
                mxHost,
                null);
    }
}
