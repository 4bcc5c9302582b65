package dev.mailgate.inbound;

import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.Identity;
import java.util.UUID;

/**
 * What the session asks its adapter to do, in order. The adapter performs the actions of one call
 * in list order (e.g. write the {@code 220} reply, then start the TLS handshake).
 */
public sealed interface SessionAction {

    /**
     * Bytes to write to the client: the complete wire text of one reply, every line including its CRLF
     * (a multi-line EHLO reply is one Reply {@code "250-host\r\n250-PIPELINING\r\n...250 AUTH ...\r\n"}).
     */
    record Reply(String text) implements SessionAction {
        /** The three-digit code of the (last) line. */
        public int code() {
            return Integer.parseInt(text.substring(0, 3));
        }
    }

    /** Upgrade the socket to TLS now (after writing the replies before it), then call {@code tlsStarted}. */
    record StartTls() implements SessionAction {}

    /** Verify the credential, then call {@code authCompleted}. Input is held back until then. */
    record Authenticate(Credential credential, String mechanism) implements SessionAction {}

    /**
     * Store the message, then call {@code submissionCompleted}. Input is held back until then.
     * {@code message} is the Received trace header followed by the message exactly as received (dot-unstuffed).
     */
    record Submit(UUID id, Envelope envelope, byte[] message, Identity identity) implements SessionAction {
        @Override
        public String toString() {
            return "Submit[id=" + id + ", envelope=" + envelope + ", size=" + message.length + "]";
        }
    }

    /** Close the connection (after writing the replies before it). */
    record Close() implements SessionAction {}

    /**
     * A line for the audit log. Types: {@code smtp.connect}, {@code tls.started}, {@code auth.success},
     * {@code auth.failure}, {@code smtp.refused}, {@code smtp.closed}. Details never contain passwords or tokens.
     */
    record Audit(String type, String detail) implements SessionAction {}
}
