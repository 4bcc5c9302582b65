package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;

/**
 * What the two OAuth mechanisms share: an empty challenge when the client sent no initial response,
 * and on a refused token the error challenge with the mechanism's JSON (RFC 7628 §3.2.2; Gmail's
 * form for XOAUTH2) before the session answers 535. Each subclass parses its own message format.
 */
abstract class OAuthMechanism implements SaslMechanism {

    private final String name;
    private final String errorJson;

    OAuthMechanism(String name, String errorJson) {
        this.name = name;
        this.errorJson = errorJson;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SaslStep start(byte[] initialResponse) {
        return initialResponse == null || initialResponse.length == 0
                ? new SaslStep.Challenge(new byte[0])
                : next(initialResponse);
    }

    @Override
    public final SaslStep refused() {
        return new SaslStep.Challenge(errorJson.getBytes(StandardCharsets.UTF_8));
    }
}
