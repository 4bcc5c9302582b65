package dev.mailgate.api;

import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.KeycloakServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static dev.mailgate.api.ApiScenarios.PROBLEMS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The send API with real tokens from the real Keycloak realm {@code mail} and the real PostgreSQL:
 * every "done when" of the issue, and every authentication and authorization refusal.
 */
@QuarkusTest
public class MessagesApiTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    private Supplier<RequestSpecification> as(String token) {
        return () -> given().auth().oauth2(token);
    }

    private Supplier<RequestSpecification> senderApp() {
        return as(keycloak.clientCredentialsToken("sender-app"));
    }

    private static Map<String, Object> simple(String from) {
        return Map.of("from", from, "to", List.of("ana@example.net"), "subject", "hi", "text", "hello");
    }

    // --- done when: JSON, raw, Bcc, idempotency, with a client-credentials token

    @Test
    void clientCredentialsTokenSendsJsonWithTwoAttachmentsThatParseBack() throws Exception {
        String id = ApiScenarios.jsonWithTwoAttachmentsParsesBack(senderApp(), "app@example.com");
        assertThat(Db.rows("SELECT principal, door FROM message WHERE id = ?", UUID.fromString(id))
                        .get(0))
                .containsEntry("principal", "service-account-sender-app")
                .containsEntry("door", "api");
    }

    @Test
    void rawMimeRoundTripsByteForByteAndBccIsRemovedButQueued() {
        ApiScenarios.rawRoundTripsAndBccIsRemoved(senderApp(), "news@apps.example.com");
    }

    @Test
    void twentyConcurrentDuplicatesWithOneKeyQueueExactlyOneMessage() throws Exception {
        ApiScenarios.concurrentDuplicatesQueueOnce(senderApp(), "app@example.com", "service-account-sender-app");
    }

    @Test
    void idempotencyKeysBelongToTheirPrincipal() {
        String key = "shared-" + UUID.randomUUID();
        String first = senderApp()
                .get()
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(simple("app@example.com"))
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        // the same key from another identity is another key: a new message, not the first one's answer
        String second = as(keycloak.passwordToken("mail-client", "alice"))
                .get()
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(simple("alice@example.com"))
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void aRefusedRequestGivesItsKeyBack() {
        String key = "retry-" + UUID.randomUUID();
        Supplier<RequestSpecification> sender = senderApp();
        sender.get()
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", List.of("not an address"), "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "invalid-request"));
        assertThat(Db.count("SELECT count(*) FROM idempotency_key WHERE key = ?", key))
                .isZero();
    }

    // --- status

    @Test
    void statusIsForTheSenderAndAdminsOnly() {
        Response sent = senderApp()
                .get()
                .contentType("application/json")
                .body(simple("app@example.com"))
                .post("/v1/messages");
        sent.then().statusCode(202);
        String location = sent.header("Location");
        String id = sent.path("id");
        senderApp()
                .get()
                .get(location)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("queued"))
                .body("sender", equalTo("app@example.com"))
                .body("recipients[0].address", equalTo("ana@example.net"))
                .body("recipients[0].status", equalTo("queued"))
                .body("message_id", startsWith("<" + id + "@"));
        as(keycloak.passwordToken("mail-client", "alice"))
                .get()
                .get("/v1/messages/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "message-not-found"));
        as(keycloak.clientCredentialsToken("admin-app"))
                .get()
                .get("/v1/messages/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id));
    }

    // --- authentication: 401 with problem+json

    @Test
    void withoutATokenIs401() {
        given().contentType("application/json")
                .body(simple("app@example.com"))
                .post("/v1/messages")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo(PROBLEMS + "unauthenticated"))
                .body("status", equalTo(401));
    }

    @Test
    void badTokensAre401() {
        String good = keycloak.clientCredentialsToken("sender-app");
        char last = good.charAt(good.length() - 5);
        String tampered =
                good.substring(0, good.length() - 5) + (last == 'A' ? 'B' : 'A') + good.substring(good.length() - 4);
        for (String bad : List.of(
                "not-a-jwt",
                tampered,
                keycloak.otherRealmToken(),
                keycloak.clientCredentialsToken("no-audience-app"))) {
            given().auth()
                    .oauth2(bad)
                    .contentType("application/json")
                    .body(simple("app@example.com"))
                    .post("/v1/messages")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "invalid-token"));
        }
    }

    @Test
    void anExpiredTokenIs401() {
        String shortLived = keycloak.clientCredentialsToken("short-lived-app");
        // accepted while valid (and so remembered as verified), refused once it has expired
        given().auth().oauth2(shortLived).get("/v1/whoami").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(shortLived)
                        .get("/v1/messages/" + UUID.randomUUID())
                        .then()
                        .statusCode(401)
                        .body("type", equalTo(PROBLEMS + "invalid-token")));
    }

    // --- authorization: 403 with problem+json

    @Test
    void withoutTheSendRoleIs403() {
        for (String token :
                List.of(keycloak.clientCredentialsToken("no-role-app"), keycloak.passwordToken("mail-client", "bob"))) {
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body(simple("app@example.com"))
                    .post("/v1/messages")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "missing-role"));
            given().auth()
                    .oauth2(token)
                    .contentType("message/rfc822")
                    .body("From: app@example.com\r\nTo: a@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8))
                    .post("/v1/messages/raw")
                    .then()
                    .statusCode(403)
                    .body("type", equalTo(PROBLEMS + "missing-role"));
        }
    }

    @Test
    void aFromAddressTheTokenDoesNotOwnIs403() {
        Supplier<RequestSpecification> sender = senderApp();
        sender.get()
                .contentType("application/json")
                .body(simple("CEO <ceo@example.com>"))
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "sender-not-owned"));
        // raw: the envelope sender is owned, the From: header is not
        sender.get()
                .contentType("message/rfc822")
                .queryParam("from", "app@example.com")
                .body("From: ceo@example.com\r\nTo: a@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/messages/raw")
                .then()
                .statusCode(403)
                .body("type", equalTo(PROBLEMS + "sender-not-owned"));
        // alice owns her verified email, not the service account's addresses
        as(keycloak.passwordToken("mail-client", "alice"))
                .get()
                .contentType("application/json")
                .body(simple("app@example.com"))
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .body("type", equalTo(PROBLEMS + "sender-not-owned"));
        as(keycloak.passwordToken("mail-client", "alice"))
                .get()
                .contentType("application/json")
                .body(simple("Alice <alice@example.com>"))
                .post("/v1/messages")
                .then()
                .statusCode(202);
    }
}
