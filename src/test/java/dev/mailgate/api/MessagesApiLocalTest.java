package dev.mailgate.api;

import dev.mailgate.testsupport.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The API's own logic with a test identity instead of a Keycloak token (fast, no Keycloak needed):
 * what the token checks are is covered with real tokens in {@code MessagesApiTest}.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(ApiOnlyProfile.class)
class MessagesApiLocalTest {

    private static final String PROBLEMS = ApiScenarios.PROBLEMS;

    @jakarta.inject.Inject
    dev.mailgate.budget.ContentBudget budget;

    @jakarta.inject.Inject
    dev.mailgate.outbound.FreshMessages fresh;

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com,@apps.example.com"))
    void jsonSendIsCommittedAndReadableBack() {
        Response r = given().contentType("application/json")
                .body(Map.of(
                        "from",
                        "App <app@example.com>",
                        "to",
                        "ana@example.net",
                        "bcc",
                        "hidden@example.org",
                        "subject",
                        "Grüße",
                        "text",
                        "hello"))
                .post("/v1/messages");
        r.then()
                .statusCode(202)
                .header("Location", startsWith("http"))
                .body("status", equalTo("queued"))
                .body("recipients.address", org.hamcrest.Matchers.contains("ana@example.net", "hidden@example.org"));
        String id = r.path("id");
        assertThat(Db.count("SELECT count(*) FROM recipient WHERE message_id = ?", UUID.fromString(id)))
                .isEqualTo(2);
        given().get("/v1/messages/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("queued"))
                .body("sender", equalTo("app@example.com"))
                .body("recipients[0].status", equalTo("queued"))
                .body("recipients[0].attempts.size()", equalTo(0));
    }

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void errorsAreProblems() {
        given().contentType("application/json")
                .body("{\"from\": ")
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "malformed-request"));
        given().contentType("application/json")
                .body("{\"from\": \"app@example.com\", \"to\": [\"x@example.net\"], \"txet\": \"typo\"}")
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "invalid-request"));
        given().contentType("application/json")
                .body("{\"from\": \"\", \"to\": [\"x@example.net\"], \"text\": \"t\"}")
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "invalid-request"))
                .body("errors[0].field", equalTo("from"));
        given().contentType("application/json")
                .body(Map.of("from", "boss@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "sender-not-owned"));
        given().contentType("text/plain")
                .body("x")
                .post("/v1/messages")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "unsupported-media-type"));
        given().get("/v1/messages/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "message-not-found"));
        given().contentType("application/json")
                .body("{}")
                .put("/v1/messages")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "method-not-allowed"));
        given().get("/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "not-found"));
        given().contentType("message/rfc822")
                .body("From: app@example.com\nTo: x@example.net\n\nhi\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/messages/raw")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "invalid-message"));
    }

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void jsonWithTwoAttachmentsParsesBack() throws Exception {
        ApiScenarios.jsonWithTwoAttachmentsParsesBack(ApiScenarios::anonymous, "app@example.com");
    }

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void rawRoundTripsAndBccIsRemoved() {
        ApiScenarios.rawRoundTripsAndBccIsRemoved(ApiScenarios::anonymous, "app@example.com");
    }

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void concurrentDuplicatesQueueOnce() throws Exception {
        ApiScenarios.concurrentDuplicatesQueueOnce(ApiScenarios::anonymous, "app@example.com", "local-sender");
    }

    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "@apps.example.com"))
    void limits() {
        List<String> six =
                List.of("a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example", "f@x.example");
        given().contentType("application/json")
                .body(Map.of(
                        "from", "a@apps.example.com", "to", six.subList(0, 3), "bcc", six.subList(3, 6), "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "too-many-recipients"));
        given().contentType("message/rfc822")
                .queryParam("to", String.join(",", six))
                .body("From: a@apps.example.com\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/messages/raw")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "too-many-recipients"));
        String attachment = Base64.getEncoder().encodeToString(new byte[ApiOnlyProfile.MAX_ATTACHMENTS + 1]);
        given().contentType("application/json")
                .body(Map.of(
                        "from",
                        "a@apps.example.com",
                        "to",
                        "x@example.net",
                        "text",
                        "t",
                        "attachments",
                        List.of(Map.of("filename", "big.bin", "content", attachment))))
                .post("/v1/messages")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "attachments-too-large"));
        String text = "x".repeat(100).concat("\n").repeat(ApiOnlyProfile.MAX_MESSAGE / 100);
        given().contentType("application/json")
                .body(Map.of("from", "a@apps.example.com", "to", "x@example.net", "text", text))
                .post("/v1/messages")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "message-too-large"));
        byte[] big = ("From: a@apps.example.com\r\nTo: x@example.net\r\n\r\n"
                        + "y".repeat(99).concat("\r\n").repeat(ApiOnlyProfile.MAX_MESSAGE / 100 + 1))
                .getBytes(StandardCharsets.UTF_8);
        given().contentType("message/rfc822")
                .body(big)
                .post("/v1/messages/raw")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "message-too-large"));
        // a body over quarkus.http.limits.max-body-size is refused by the HTTP layer from its Content-Length alone
        String answer = announceBody("/v1/messages/raw", "message/rfc822", ApiOnlyProfile.MAX_MESSAGE + 1);
        assertThat(answer)
                .startsWith("HTTP/1.1 413")
                .containsIgnoringCase("content-type: application/problem+json")
                .contains(PROBLEMS + "message-too-large");
        answer = announceBody("/v1/messages", "application/json", 2_000_000);
        assertThat(answer)
                .startsWith("HTTP/1.1 413")
                .containsIgnoringCase("content-type: application/problem+json")
                .contains(PROBLEMS + "request-too-large");
        given().contentType("application/json")
                .header("Idempotency-Key", "bad key with spaces")
                .body(Map.of("from", "a@apps.example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("type", equalTo(PROBLEMS + "invalid-idempotency-key"));
        given().contentType("application/json")
                .body(Map.of(
                        "from",
                        "a@apps.example.com",
                        "to",
                        "x@example.net",
                        "text",
                        "t",
                        "headers",
                        Map.of("DKIM-Signature", "v=1")))
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "forbidden-header"));
        given().contentType("application/json")
                .body(Map.of("from", "a@apps.example.com", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "no-recipients"));
        given().contentType("message/rfc822")
                .body("To: x@example.net\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/messages/raw")
                .then()
                .statusCode(422)
                .body("type", equalTo(PROBLEMS + "missing-from"));
    }

    @Test
    @TestSecurity(user = "local-recovery", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void idempotencyRecoversFromAnInstanceThatDiedMidRequest() {
        Map<String, Object> body = Map.of("from", "app@example.com", "to", "x@example.net", "text", "t");
        // 1. committed, but the instance died before recording the answer: duplicates get the committed message
        String key = "orphan-" + UUID.randomUUID();
        String id = given().header("Idempotency-Key", key)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        Db.rows("UPDATE idempotency_key SET response = NULL, message_id = NULL WHERE key = ? RETURNING key", key);
        given().header("Idempotency-Key", key)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(id))
                .body("recipients[0].address", equalTo("x@example.net"));
        // 2. claimed long ago and never committed: the claim is abandoned and the key may be used again
        String stale = "stale-" + UUID.randomUUID();
        Db.rows(
                "INSERT INTO idempotency_key (principal, key, request_hash, created_at, reserved_message_id)"
                        + " VALUES ('local-recovery', ?, 'x', now() - interval '10 minutes', ?) RETURNING key",
                stale,
                UUID.randomUUID());
        given().header("Idempotency-Key", stale)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue());
        // 2b. a key older than mailgate.api.idempotency-ttl (24 h) is forgotten: the same request is a new message
        Db.rows("UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = ? RETURNING key", key);
        String fresh = given().header("Idempotency-Key", key)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue())
                .extract()
                .path("id");
        assertThat(fresh).isNotEqualTo(id);
        // 3. a claim in progress right now (fresh, not committed): a duplicate waits, then is told to retry
        String busy = "busy-" + UUID.randomUUID();
        Db.rows(
                "INSERT INTO idempotency_key (principal, key, request_hash, created_at, reserved_message_id)"
                        + " SELECT 'local-recovery', ?, request_hash, now(), ? FROM idempotency_key WHERE key = ? RETURNING key",
                busy,
                UUID.randomUUID(),
                stale);
        given().header("Idempotency-Key", busy)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages")
                .then()
                .statusCode(409)
                .header("Retry-After", "1")
                .body("type", equalTo(PROBLEMS + "idempotency-in-progress"));
    }

    /** Sends only the request head announcing a body of {@code length} octets; returns the answer's head. */
    @Test
    @TestSecurity(user = "local-sender", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void aSendFindingTheContentBudgetFullIs503WithRetryAfterBeforeItsBodyIsRead() {
        long held = budget.capacity();
        assertThat(budget.admit(held, true)).isTrue(); // as if SMTP sessions and deliveries filled it
        try {
            String answer = announceBody("/v1/messages/raw", "message/rfc822", 1000);
            assertThat(answer)
                    .startsWith("HTTP/1.1 503")
                    .containsIgnoringCase("retry-after: 5")
                    .containsIgnoringCase("content-type: application/problem+json")
                    .contains(PROBLEMS + "insufficient-storage");
        } finally {
            budget.release(held);
        }
        given().contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(202);
        // a finished request gives back what it took
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> budget.reserved() == fresh.octets()); // what is left: messages kept for delivery
    }

    private static String announceBody(String path, String type, int length) {
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                                    + "\r\nContent-Length: " + length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] head = new byte[4096];
            int n = socket.getInputStream().read(head);
            return n <= 0 ? "" : new String(head, 0, n, StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @TestSecurity(user = "limited", roles = "mail-send")
    @OidcSecurity(claims = @Claim(key = "allowed_senders", value = "app@example.com"))
    void rateLimitedIs429WithRetryAfter() {
        // the shared sending limit of the submission path (PostgreSQL counters): one a minute for "limited"
        given().contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(202);
        String retryAfter = given().contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "rate-limited"))
                .extract()
                .header("Retry-After");
        org.assertj.core.api.Assertions.assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);
    }

    @Test
    @TestSecurity(user = "local-norole", roles = "other")
    void withoutTheSendRoleIs403() {
        given().contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "missing-role"));
    }

    @Test
    @TestSecurity(user = "local-reader", roles = "mail-send")
    void statusIsVisibleOnlyToItsSenderOrAnAdmin() {
        UUID id = storeForeignMessageWithAttempts();
        given().get("/v1/messages/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "message-not-found"));
        given().get("/v1/messages/not-a-uuid")
                .then()
                .statusCode(404)
                .body("type", equalTo(PROBLEMS + "message-not-found"));
    }

    @Test
    @TestSecurity(
            user = "local-admin",
            roles = {"mail-send", "mail-admin"})
    void adminSeesEveryMessageWithAttempts() {
        UUID id = storeForeignMessageWithAttempts();
        given().get("/v1/messages/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("sending"))
                .body("sender", equalTo("someone@example.com"))
                .body("recipients.address", org.hamcrest.Matchers.contains("r1@example.net", "r2@example.org"))
                .body("recipients[0].status", equalTo("delivered"))
                .body("recipients[0].attempt_count", equalTo(2))
                .body("recipients[0].next_attempt_at", org.hamcrest.Matchers.nullValue())
                .body("recipients[0].attempts.outcome", org.hamcrest.Matchers.contains("deferred", "delivered"))
                .body("recipients[0].attempts[0].mx_host", equalTo("mx1.example.net"))
                .body("recipients[0].attempts[0].remote_reply", equalTo("451 4.7.1 greylisted"))
                .body("recipients[0].attempts[1].tls", equalTo("TLSv1.3"))
                .body("recipients[1].status", equalTo("queued"))
                .body("recipients[1].attempts.size()", equalTo(0));
    }

    /** A message of another principal, one recipient delivered on the second attempt, one still queued. */
    private static UUID storeForeignMessageWithAttempts() {
        UUID id = UUID.randomUUID();
        Db.rows(
                "INSERT INTO message (id, received_at, principal, client_address, door, envelope_sender, size, raw)"
                        + " VALUES (?, now(), 'someone-else', '192.0.2.1', 'api', 'someone@example.com', 3, 'x'::bytea) RETURNING id",
                id);
        Object r1 = Db.rows(
                        "INSERT INTO recipient (id, message_id, address, domain, state, attempts, next_attempt_at, last_reply, updated_at)"
                                + " VALUES (nextval('recipient_seq'), ?, 'r1@example.net', 'example.net', 'delivered', 2, now(), '250 ok', now()) RETURNING id",
                        id)
                .get(0)
                .get("id");
        Db.rows(
                "INSERT INTO recipient (id, message_id, address, domain, state, attempts, next_attempt_at, updated_at)"
                        + " VALUES (nextval('recipient_seq') + 1, ?, 'r2@example.org', 'example.org', 'queued', 0, now(), now()) RETURNING id",
                id);
        Db.rows(
                "INSERT INTO delivery_attempt (recipient_id, attempted_at, mx_host, remote_reply, tls, outcome)"
                        + " VALUES (?, now() - interval '5 minutes', 'mx1.example.net', '451 4.7.1 greylisted', NULL, 'deferred'),"
                        + " (?, now(), 'mx1.example.net', '250 ok', 'TLSv1.3', 'delivered') RETURNING id",
                r1,
                r1);
        return id;
    }

    @Test
    void withoutATokenIs401() {
        given().contentType("application/json")
                .body(Map.of("from", "app@example.com", "to", "x@example.net", "text", "t"))
                .post("/v1/messages")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "unauthenticated"));
    }
}
