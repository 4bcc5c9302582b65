package dev.mailgate.api;

import dev.mailgate.testsupport.Db;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The "done when" scenarios of the send API, written once and run with whatever authenticates the
 * caller: a test identity ({@link MessagesApiLocalTest}) or a real Keycloak token ({@code MessagesApiTest}).
 * Stored results are read with plain SQL and parsed with mime4j, independently of the code under test.
 */
final class ApiScenarios {

    static final String PROBLEMS = "https://mailgate.dev/problems/";

    private ApiScenarios() {}

    static byte[] storedRaw(String id) {
        return (byte[]) Db.rows("SELECT raw FROM message WHERE id = ?", UUID.fromString(id))
                .get(0)
                .get("raw");
    }

    static List<String> storedRecipients(String id) {
        return Db.rows("SELECT address FROM recipient WHERE message_id = ? ORDER BY id", UUID.fromString(id)).stream()
                .map(r -> (String) r.get("address"))
                .toList();
    }

    /** Text, HTML, a UTF-8 subject and two attachments come back from the stored bytes as exactly those parts. */
    static String jsonWithTwoAttachmentsParsesBack(Supplier<RequestSpecification> caller, String from)
            throws IOException {
        byte[] pdf = MimeComposerTest.randomBytes(60_000, 7);
        byte[] txt = "line one\nline two without CR\n\u00e9\u00e8 UTF-8\n".getBytes(StandardCharsets.UTF_8);
        String subject = "Rechnung Nr. 42 – Grüße aus Zürich ✉ 日本語";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", "Rechnungen <" + from + ">");
        body.put("to", List.of("Ana Lía <ana@example.net>"));
        body.put("cc", List.of("carl@example.org"));
        body.put("subject", subject);
        body.put("text", "Hallo Ana,\nanbei die Rechnung.\n");
        body.put("html", "<p>Hallo Ana,</p><p>anbei die <b>Rechnung</b>.</p>");
        body.put(
                "attachments",
                List.of(
                        Map.of(
                                "filename",
                                "Rechnung 42 – März.pdf",
                                "content_type",
                                "application/pdf",
                                "content",
                                Base64.getEncoder().encodeToString(pdf)),
                        Map.of(
                                "filename",
                                "notes.txt",
                                "content_type",
                                "text/plain; charset=utf-8",
                                "content",
                                Base64.getEncoder().encodeToString(txt))));
        Response r = caller.get().contentType("application/json").body(body).post("/v1/messages");
        r.then().statusCode(202).body("status", equalTo("queued"));
        String id = r.path("id");
        assertThat(r.header("Location")).endsWith("/v1/messages/" + id);
        assertThat(r.<List<String>>path("recipients.address")).containsExactly("ana@example.net", "carl@example.org");

        byte[] raw = storedRaw(id);
        assertThat(new String(raw, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("Received:");
        MimeComposerTest.assertWireSafe(raw);
        Message m = MimeComposerTest.parse(raw);
        assertThat(m.getSubject()).isEqualTo(subject);
        assertThat(m.getFrom().get(0).getAddress()).isEqualTo(from);
        assertThat(m.getMimeType()).isEqualTo("multipart/mixed");
        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(parts)
                .extracting(Entity::getMimeType)
                .containsExactly("multipart/alternative", "application/pdf", "text/plain");
        List<Entity> alternatives = ((Multipart) parts.get(0).getBody()).getBodyParts();
        assertThat(alternatives).extracting(Entity::getMimeType).containsExactly("text/plain", "text/html");
        assertThat(MimeComposerTest.text(alternatives.get(0).getBody()))
                .isEqualTo("Hallo Ana,\r\nanbei die Rechnung.\r\n");
        assertThat(MimeComposerTest.text(alternatives.get(1).getBody()))
                .isEqualTo("<p>Hallo Ana,</p><p>anbei die <b>Rechnung</b>.</p>");
        assertThat(parts.get(1).getFilename()).isEqualTo("Rechnung 42 – März.pdf");
        assertThat(MimeComposerTest.bytes(parts.get(1).getBody())).isEqualTo(pdf);
        assertThat(parts.get(2).getFilename()).isEqualTo("notes.txt");
        assertThat(MimeComposerTest.bytes(parts.get(2).getBody())).isEqualTo(txt);
        assertThat(storedRecipients(id)).containsExactly("ana@example.net", "carl@example.org");
        return id;
    }

    /** The stored bytes are the trace header followed by exactly the bytes sent; Bcc: lines removed, their recipients queued. */
    static void rawRoundTripsAndBccIsRemoved(Supplier<RequestSpecification> caller, String from) {
        String head = "From: " + from + "\r\n"
                + "To: Ana <ana@example.net>\r\n"
                + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                + "Message-ID: <raw-" + UUID.randomUUID() + "@example.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n";
        String bcc = "Bcc: hidden@example.org,\r\n secret@example.com\r\n";
        String tail = "X-Trailing:   odd   spacing kept\t\r\n\r\n"
                + "Grüße, 8-bit body.\r\n..leading dots\r\n.\r\nBcc: not a header here\r\n";
        byte[] sent = (head + bcc + tail).getBytes(StandardCharsets.UTF_8);
        byte[] expected = (head + tail).getBytes(StandardCharsets.UTF_8);
        Response r = caller.get().contentType("message/rfc822").body(sent).post("/v1/messages/raw");
        r.then().statusCode(202);
        String id = r.path("id");
        byte[] stored = storedRaw(id);
        String storedText = new String(stored, StandardCharsets.UTF_8);
        assertThat(storedText).startsWith("Received: from ");
        int traceEnd = storedText.indexOf("\r\n", storedText.indexOf("\r\n\t") + 3) + 2; // trace is folded once
        byte[] afterTrace = java.util.Arrays.copyOfRange(stored, traceEnd, stored.length);
        assertThat(afterTrace).isEqualTo(expected);
        assertThat(storedRecipients(id)).containsExactly("ana@example.net", "hidden@example.org", "secret@example.com");
        // 8-bit body, ASCII headers: delivery must ask for 8BITMIME, not for SMTPUTF8
        assertThat(Db.rows("SELECT body_type, smtputf8 FROM message WHERE id = ?", UUID.fromString(id))
                        .get(0))
                .containsEntry("body_type", "8BITMIME")
                .containsEntry("smtputf8", false);
    }

    /** 20 identical requests at once with one key: one message, one answer for all. */
    static void concurrentDuplicatesQueueOnce(Supplier<RequestSpecification> caller, String from, String principalLike)
            throws Exception {
        String key = "dup-" + UUID.randomUUID();
        String subject = "idempotent " + key;
        Map<String, Object> body =
                Map.of("from", from, "to", List.of("ana@example.net"), "subject", subject, "text", "once");
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(() -> caller.get()
                        .header("Idempotency-Key", key)
                        .contentType("application/json")
                        .body(body)
                        .post("/v1/messages"));
            }
            Set<String> ids = new HashSet<>();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                statuses.add(r.statusCode());
                if (r.statusCode() == 202) {
                    ids.add(r.path("id"));
                }
            }
            assertThat(statuses).as("every duplicate gets the first answer").containsOnly(202);
            assertThat(ids).hasSize(1);
            assertThat(Db.count(
                            "SELECT count(*) FROM message WHERE door = 'api' AND raw LIKE convert_to(?, 'UTF8')",
                            "%" + subject + "%"))
                    .isEqualTo(1);
            assertThat(Db.count(
                            "SELECT count(*) FROM message m JOIN idempotency_key k ON k.message_id = m.id"
                                    + " WHERE k.key = ?",
                            key))
                    .isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        // the same key later: same answer, marked as a replay; a different body with it: 422
        Response again = caller.get()
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(body)
                .post("/v1/messages");
        again.then().statusCode(202).header("Idempotent-Replayed", "true");
        caller.get()
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(Map.of("from", from, "to", List.of("ana@example.net"), "subject", subject, "text", "twice"))
                .post("/v1/messages")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "idempotency-key-reused"));
    }

    static RequestSpecification anonymous() {
        return given();
    }
}
