package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;

/** LOGIN (draft-murchison-sasl-login): "Username:" then "Password:" challenges; an initial response is the username. */
final class LoginMechanism implements SaslMechanism {
    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private String username;

    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        return initialResponse == null ? new SaslStep.Challenge(USERNAME) : next(initialResponse);
    }

    @Override
    public SaslStep next(byte[] response) {
        String value = new String(response, StandardCharsets.UTF_8);
        if (username == null) {
            if (value.isEmpty()) {
                return SaslStep.malformed();
            }
            username = value;
            return new SaslStep.Challenge(PASSWORD);
        }
        if (value.isEmpty()) {
            return SaslStep.malformed();
        }
        return new SaslStep.Verify(PasswordCredentials.of(username, value));
    }
}
