package dev.mailgate.outbound;

import java.util.List;
import java.util.Optional;

/**
 * One SMTP transaction to make: envelope, DSN parameters to pass on, and the exact bytes to send
 * (already DKIM-signed; dot-stuffing happens on the wire).
 */
public record OutboundMessage(
        String sender,
        List<Rcpt> recipients,
        byte[] content,
        boolean smtpUtf8,
        boolean eightBit,
        Optional<String> ret,
        Optional<String> envid) {

    public OutboundMessage {
        recipients = List.copyOf(recipients);
    }

    public record Rcpt(String address, Optional<String> dsnNotify, Optional<String> dsnOrcpt) {
        public static Rcpt of(String address) {
            return new Rcpt(address, Optional.empty(), Optional.empty());
        }
    }
}
