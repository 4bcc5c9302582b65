package dev.mailgate.auth;

/**
 * The credentials were checked and are not good: bad signature, wrong issuer or audience, expired,
 * wrong password. The message is for the audit log; never echo a token or password in it.
 */
public class AuthenticationRefused extends RuntimeException {
    public AuthenticationRefused(String reason) {
        super(reason, null, false, false);
    }
}
