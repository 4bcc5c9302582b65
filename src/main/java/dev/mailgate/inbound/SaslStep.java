package dev.mailgate.inbound;

import java.util.Base64;

/** What a SASL mechanism wants next. */
sealed interface SaslStep {

    /** Send {@code 334 <base64 challenge>} and wait for the client's response line. */
    record Challenge(byte[] data) implements SaslStep {
        String replyLine() {
            return "334 " + Base64.getEncoder().encodeToString(data);
        }
    }

    /** The client's credential is complete: ask the adapter to verify it. */
    record Verify(Credential credential) implements SaslStep {}

    /** The exchange ends with this reply line (syntax error of the mechanism, final 535). */
    record Fail(String reply) implements SaslStep {}

    static SaslStep malformed() {
        return new Fail("501 5.5.2 Malformed authentication data");
    }

    static SaslStep invalidCredentials() {
        return new Fail("535 5.7.8 Authentication credentials invalid");
    }
}
