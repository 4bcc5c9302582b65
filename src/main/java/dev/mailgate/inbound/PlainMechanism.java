package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;

/** PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. Acting as another user (authzid) is not supported. */
final class PlainMechanism implements SaslMechanism {

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        return initialResponse == null ? new SaslStep.Challenge(new byte[0]) : next(initialResponse);
    }

    @Override
    public SaslStep next(byte[] response) {
        String message = new String(response, StandardCharsets.UTF_8);
        String[] parts = message.split("\u0000", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            return SaslStep.malformed();
        }
        if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
            return new SaslStep.Fail("535 5.7.8 Authorization identity must be empty or equal the user");
        }
        return new SaslStep.Verify(PasswordCredentials.of(parts[1], parts[2]));
    }
}
