package dev.mailgate.inbound;

import dev.mailgate.mail.Identity;

/** The answer to an {@link SessionAction.Authenticate} action. */
public sealed interface AuthResult {

    record Success(Identity identity) implements AuthResult {}

    /** Wrong password, invalid/expired token, locked out: permanent for this attempt (535). The reason goes to the audit log only. */
    record InvalidCredentials(String reason) implements AuthResult {}

    /** Keycloak unreachable and the like (454): the client may retry. */
    record TemporaryFailure(String reason) implements AuthResult {}
}
