package dev.mailgate.inbound;

import java.util.Optional;

/** What a client presented in AUTH; verified by the adapter's services, never by the session. */
public sealed interface Credential {

    /** An OAuth access token (OAUTHBEARER, XOAUTH2, or a JWT given as PLAIN/LOGIN password), with the user the client claimed. */
    record BearerToken(String token, Optional<String> user) implements Credential {
        @Override
        public String toString() {
            return "BearerToken[user=" + user + ", token=<redacted>]";
        }
    }

    /** A Keycloak username and password (PLAIN/LOGIN), checked with the password grant. */
    record Password(String username, String password) implements Credential {
        @Override
        public String toString() {
            return "Password[username=" + username + ", password=<redacted>]";
        }
    }
}
