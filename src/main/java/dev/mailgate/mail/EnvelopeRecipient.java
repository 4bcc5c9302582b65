package dev.mailgate.mail;

import java.util.Optional;

/**
 * One RCPT TO with its DSN parameters (RFC 3461): NOTIFY as given (e.g. "SUCCESS,FAILURE" or "NEVER"),
 * ORCPT as given ("rfc822;addr"), both kept for bounces.
 */
public record EnvelopeRecipient(String address, Optional<String> dsnNotify, Optional<String> dsnOrcpt) {

    public static EnvelopeRecipient of(String address) {
        return new EnvelopeRecipient(address, Optional.empty(), Optional.empty());
    }

    /** The domain part, lower-cased: what delivery groups and routes by. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
