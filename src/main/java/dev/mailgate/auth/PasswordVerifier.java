package dev.mailgate.auth;

import dev.mailgate.mail.Identity;
import io.quarkus.oidc.client.OidcClientException;
import io.quarkus.oidc.client.OidcClients;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Checks a Keycloak username and password (SMTP PLAIN/LOGIN for clients that cannot do OAuth)
 * with the password grant of mailgate's confidential client, then verifies the resulting access
 * token like any other. mailgate never stores or logs the password.
 */
@ApplicationScoped
public class PasswordVerifier {

    static final String CLIENT = "password-grant";

    private final OidcClients clients;
    private final TokenVerifier tokens;

    public PasswordVerifier(OidcClients clients, TokenVerifier tokens) {
        this.clients = clients;
        this.tokens = tokens;
    }

    public Uni<Identity> verify(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationRefused("empty username or password"));
        }
        return Uni.createFrom()
                .deferred(() -> clients.getClient(CLIENT).getTokens(Map.of("username", username, "password", password)))
                .onFailure()
                .transform(PasswordVerifier::classify)
                .flatMap(grant -> tokens.verify(grant.getAccessToken()));
    }

    private static RuntimeException classify(Throwable failure) {
        // Keycloak answers 400/401 (invalid_grant, invalid_client...) for bad credentials; anything
        // else (connection refused, timeouts, 5xx) means we could not check them.
        if (failure instanceof OidcClientException) {
            String message = String.valueOf(failure.getMessage());
            if (message.contains("invalid_grant")
                    || message.contains("401")
                    || message.contains("400")
                    || message.contains("unauthorized")) {
                return new AuthenticationRefused("password grant refused");
            }
        }
        RuntimeException classified = TokenVerifier.classify(failure);
        return classified instanceof AuthenticationRefused
                ? new AuthenticationUnavailable("password grant failed", failure)
                : classified;
    }
}
