package dev.mailgate.mail;

import java.util.List;
import java.util.Optional;

/**
 * The SMTP envelope of a submission: reverse path ("" for the null sender {@code <>}), recipients,
 * and the MAIL parameters that matter after acceptance (RFC 1652 BODY, RFC 6531 SMTPUTF8,
 * RFC 3461 RET and ENVID).
 */
public record Envelope(
        String sender,
        List<EnvelopeRecipient> recipients,
        Optional<String> body,
        boolean smtpUtf8,
        Optional<String> ret,
        Optional<String> envid) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    public static Envelope simple(String sender, List<String> recipients) {
        return new Envelope(
                sender,
                recipients.stream().map(EnvelopeRecipient::of).toList(),
                Optional.empty(),
                false,
                Optional.empty(),
                Optional.empty());
    }
}
