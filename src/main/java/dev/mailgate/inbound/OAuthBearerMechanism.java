package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * OAUTHBEARER (RFC 7628): {@code n,a=user@example.com,^Ahost=...^Aauth=Bearer <token>^A^A}.
 * Channel binding ({@code p=}) is not supported.
 */
final class OAuthBearerMechanism extends OAuthMechanism {
    static final String ERROR_JSON = "{\"status\":\"invalid_token\",\"schemes\":\"bearer\",\"scope\":\"openid\"}";

    OAuthBearerMechanism() {
        super("OAUTHBEARER", ERROR_JSON);
    }

    @Override
    public SaslStep next(byte[] response) {
        String message = new String(response, StandardCharsets.UTF_8);
        String[] parts = message.split("\u0001", -1);
        // gs2 header, kvpairs..., then the two empty strings left by the final ^A^A
        if (parts.length < 3 || !parts[parts.length - 1].isEmpty() || !parts[parts.length - 2].isEmpty()) {
            return SaslStep.malformed();
        }
        Optional<String> user = gs2AuthorizationId(parts[0]);
        if (user == null) {
            return SaslStep.malformed();
        }
        String token = null;
        for (int i = 1; i < parts.length - 2; i++) {
            String kv = parts[i];
            if (kv.regionMatches(true, 0, "auth=", 0, 5)) {
                token = BearerValue.token(kv.substring(5));
            }
        }
        if (token == null) {
            return SaslStep.malformed();
        }
        return new SaslStep.Verify(new Credential.BearerToken(token, user));
    }

    /** The {@code a=} of a GS2 header {@code n,a=user,} (saslname: =2C is ',', =3D is '='); null when malformed. */
    static Optional<String> gs2AuthorizationId(String header) {
        if (!(header.startsWith("n,") || header.startsWith("y,")) || !header.endsWith(",")) {
            return null;
        }
        String authzid = header.substring(2, header.length() - 1);
        if (authzid.isEmpty()) {
            return Optional.empty();
        }
        if (!authzid.startsWith("a=") || authzid.indexOf(',') >= 0) {
            return null;
        }
        String name = authzid.substring(2).replace("=2C", ",").replace("=3D", "=");
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
