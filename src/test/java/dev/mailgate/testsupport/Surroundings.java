package dev.mailgate.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The real surroundings every Quarkus test runs in: PostgreSQL and Keycloak, each started once per
 * test JVM (however many Quarkus applications the suite boots) and stopped when the JVM exits.
 */
public class Surroundings implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = PostgresServer.shared();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("quarkus.oidc.auth-server-url", "http://localhost:1/realms/mail");
        return config;
    }

    @Override
    public void stop() {
        // Shared servers outlive one application boot; shutdown hooks stop them with the JVM.
    }
}
