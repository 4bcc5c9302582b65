package dev.mailgate.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real surroundings every Quarkus test runs in: PostgreSQL, Keycloak and a TLS certificate,
 * each made once per test JVM (however many Quarkus applications the suite boots) and stopped when
 * the JVM exits. SMTP listens on free ports; tests ask {@code SmtpListeners} which.
 */
public class Surroundings implements QuarkusTestResourceLifecycleManager {

    private static TestCertificates certificates;

    /** The certificate both SMTP listeners present; test clients trust it. */
    public static synchronized TestCertificates certificates() {
        if (certificates == null) {
            certificates =
                    TestCertificates.generate(Path.of("target", "test-tls").toAbsolutePath());
        }
        return certificates;
    }

    private String testProfile = "test";

    @Override
    public void setContext(Context context) {
        if (context != null && context.testProfile() != null) {
            testProfile = context.testProfile();
        }
    }

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = PostgresServer.shared();
        KeycloakServer keycloak = KeycloakServer.shared();
        TestCertificates tls = certificates();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("quarkus.oidc.auth-server-url", keycloak.realmUrl());
        config.put("quarkus.oidc.credentials.secret", keycloak.secret("mailgate"));
        config.put("mailgate.tls.cert", tls.certPath().toString());
        config.put("mailgate.tls.key", tls.keyPath().toString());
        config.put("mailgate.smtp.submission-port", "0");
        config.put("mailgate.smtp.submissions-port", "0");
        config.put("mailgate.smtp.hostname", "mx.mailgate.test");
        config.put("mailgate.smtp.bind", "127.0.0.1");
        if ("prod".equals(testProfile) || System.getProperty("native.image.path") != null) {
            // @QuarkusIntegrationTest (failsafe sets native.image.path) runs the packaged jar in the prod
            // profile, where outbound delivery would start in mx mode and change the states these tests
            // look at (and try real DNS)
            config.put("mailgate.delivery.enabled", "false");
        }
        return config;
    }

    @Override
    public void stop() {
        // Shared servers outlive one application boot; shutdown hooks stop them with the JVM.
    }
}
