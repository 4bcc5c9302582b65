package dev.mailgate.inbound;

import java.util.Optional;

/** PLAIN and LOGIN carry a username and a password; the password may be an access token. */
final class PasswordCredentials {
    private PasswordCredentials() {}

    static Credential of(String username, String password) {
        if (BearerValue.looksLikeJwt(password)) {
            return new Credential.BearerToken(password, username.isEmpty() ? Optional.empty() : Optional.of(username));
        }
        return new Credential.Password(username, password);
    }
}
