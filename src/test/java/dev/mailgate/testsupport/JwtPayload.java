package dev.mailgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Reads a JWT's claims without verifying it: for tests that check what Keycloak puts into its tokens. */
public final class JwtPayload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JwtPayload() {}

    public static JsonNode of(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a signed JWT (" + parts.length + " parts)");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
