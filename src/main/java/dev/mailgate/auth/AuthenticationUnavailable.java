package dev.mailgate.auth;

/** The credentials could not be checked right now (Keycloak unreachable): a temporary failure. */
public class AuthenticationUnavailable extends RuntimeException {
    public AuthenticationUnavailable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
