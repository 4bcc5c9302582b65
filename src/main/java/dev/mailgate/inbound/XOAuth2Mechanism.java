package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** XOAUTH2 (Google, Microsoft): {@code user=<u>^Aauth=Bearer <token>^A^A}. */
final class XOAuth2Mechanism implements SaslMechanism {
    static final String ERROR_JSON = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";

    @Override
    public String name() {
        return "XOAUTH2";
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        return initialResponse == null || initialResponse.length == 0
                ? new SaslStep.Challenge(new byte[0])
                : next(initialResponse);
    }

    @Override
    public SaslStep next(byte[] response) {
        String message = new String(response, StandardCharsets.UTF_8);
        String[] parts = message.split("\u0001", -1);
        String user = null;
        String token = null;
        for (String kv : parts) {
            if (kv.regionMatches(true, 0, "user=", 0, 5)) {
                user = kv.substring(5);
            } else if (kv.regionMatches(true, 0, "auth=", 0, 5)) {
                token = BearerValue.token(kv.substring(5));
            }
        }
        if (token == null) {
            return SaslStep.malformed();
        }
        return new SaslStep.Verify(new Credential.BearerToken(token,
                user == null || user.isEmpty() ? Optional.empty() : Optional.of(user)));
    }

    @Override
    public SaslStep refused() {
        return new SaslStep.Challenge(ERROR_JSON.getBytes(StandardCharsets.UTF_8));
    }
}
