package dev.mailgate.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the realm's signing keys have been fetched at least once: before that, no
 * token could be verified, so taking traffic would only turn every client away. Once fetched,
 * Quarkus OIDC caches them, so a later Keycloak outage does not make the instance unready.
 */
@Readiness
@ApplicationScoped
public class KeycloakKeysCheck implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final WebClient client;
    private final String realmUrl;
    private final AtomicBoolean fetched = new AtomicBoolean();

    public KeycloakKeysCheck(Vertx vertx, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String realmUrl) {
        this.client = WebClient.create(vertx);
        this.realmUrl = realmUrl.endsWith("/") ? realmUrl.substring(0, realmUrl.length() - 1) : realmUrl;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (fetched.get()) {
            return Uni.createFrom().item(up());
        }
        return client.getAbs(realmUrl + "/.well-known/openid-configuration")
                .timeout(TIMEOUT.toMillis())
                .send()
                .map(response -> response.statusCode() == 200
                        ? response.bodyAsJsonObject().getString("jwks_uri")
                        : null)
                .onItem()
                .ifNotNull()
                .transformToUni(
                        jwks -> client.getAbs(jwks).timeout(TIMEOUT.toMillis()).send())
                .map(response -> {
                    JsonObject keys =
                            response != null && response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
                    if (keys != null
                            && keys.getJsonArray("keys") != null
                            && !keys.getJsonArray("keys").isEmpty()) {
                        fetched.set(true);
                        return up();
                    }
                    return down("realm published no signing keys");
                })
                .onFailure()
                .recoverWithItem(failure -> down(failure.getClass().getSimpleName() + ": " + failure.getMessage()));
    }

    private HealthCheckResponse up() {
        return HealthCheckResponse.named("keycloak-keys")
                .up()
                .withData("realm", realmUrl)
                .build();
    }

    private HealthCheckResponse down(String reason) {
        return HealthCheckResponse.named("keycloak-keys")
                .down()
                .withData("realm", realmUrl)
                .withData("reason", reason)
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
