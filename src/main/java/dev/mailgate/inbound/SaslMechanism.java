package dev.mailgate.inbound;

/**
 * One SASL exchange (a fresh instance per AUTH command). Mechanisms only parse; they never verify.
 */
interface SaslMechanism {

    /** The name advertised in EHLO and used in AUTH. */
    String name();

    /** @param initialResponse the decoded initial response of the AUTH line, or null when there was none */
    SaslStep start(byte[] initialResponse);

    /** The client's decoded response to the last challenge. */
    SaslStep next(byte[] response);

    /**
     * The adapter refused the credential. OAuth mechanisms first send an error challenge
     * (RFC 7628 §3.2.2) that the client must answer; the session then replies 535.
     */
    default SaslStep refused() {
        return SaslStep.invalidCredentials();
    }
}
