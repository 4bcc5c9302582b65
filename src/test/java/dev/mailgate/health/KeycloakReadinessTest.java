package dev.mailgate.health;

import com.sun.net.httpserver.HttpServer;
import dev.mailgate.testsupport.KeycloakServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * mailgate starts while its Keycloak is unreachable: not ready (no token could be checked), and
 * ready by itself once the realm's keys can be fetched.
 */
@QuarkusTest
@TestProfile(KeycloakReadinessTest.KeycloakNotYetThere.class)
class KeycloakReadinessTest {

    private static final String PORT_PROPERTY = "testsupport.late-keycloak-port";

    public static class KeycloakNotYetThere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.auth-server-url", "http://localhost:" + latePort() + "/realms/mail");
        }
    }

    @Test
    void notReadyUntilTheRealmKeysCanBeFetched() throws IOException {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'keycloak-keys' }.status", equalTo("DOWN"));

        HttpServer keycloakComesBack = forwardTo(KeycloakServer.shared().baseUrl(), latePort());
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> given().when()
                            .get("/q/health/ready")
                            .then()
                            .statusCode(200)
                            .body("status", equalTo("UP"))
                            .body("checks.name", hasItem("keycloak-keys")));
        } finally {
            keycloakComesBack.stop(0);
        }
    }

    static synchronized int latePort() {
        String port = System.getProperty(PORT_PROPERTY);
        if (port == null) {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = String.valueOf(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(PORT_PROPERTY, port);
        }
        return Integer.parseInt(port);
    }

    /** The real Keycloak, reachable at last on the port mailgate was configured with. */
    private static HttpServer forwardTo(String target, int port) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/", exchange -> {
            try {
                HttpResponse<InputStream> upstream = client.send(
                        HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                byte[] body = upstream.body().readAllBytes();
                upstream.headers()
                        .firstValue("Content-Type")
                        .ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
                exchange.sendResponseHeaders(upstream.statusCode(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            }
        });
        server.start();
        return server;
    }
}
