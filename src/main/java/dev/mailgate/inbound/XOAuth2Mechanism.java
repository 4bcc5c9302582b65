package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** XOAUTH2 (Google, Microsoft): {@code user=<u>^Aauth=Bearer <token>^A^A}. */
final class XOAuth2Mechanism extends OAuthMechanism {
    static final String ERROR_JSON =
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";

    XOAuth2Mechanism() {
        super("XOAUTH2", ERROR_JSON);
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
        return new SaslStep.Verify(new Credential.BearerToken(
                token, user == null || user.isEmpty() ? Optional.empty() : Optional.of(user)));
    }
}
