package dev.mailgate.inbound;

import java.util.Base64;
import java.util.regex.Pattern;

/** Helpers for bearer tokens inside SASL messages. */
final class BearerValue {
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private BearerValue() {}

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null. */
    static String token(String authValue) {
        if (authValue.length() > 7 && authValue.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authValue.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    /**
     * Whether a PLAIN/LOGIN password is really an access token: three base64url segments with dots
     * between them, the first decoding to a JSON object (the JOSE header). The JSON check keeps
     * passwords like {@code a.b.c} going to the password grant.
     */
    static boolean looksLikeJwt(String password) {
        if (!JWT.matcher(password).matches()) {
            return false;
        }
        try {
            byte[] header = Base64.getUrlDecoder().decode(password.substring(0, password.indexOf('.')));
            return header.length > 1 && header[0] == '{';
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
