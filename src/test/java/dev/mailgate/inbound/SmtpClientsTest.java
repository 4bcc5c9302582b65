package dev.mailgate.inbound;

import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.StoredMail;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real SMTP clients submit over real TLS with real Keycloak tokens, and the bytes they sent are
 * what PostgreSQL holds (behind mailgate's trace header), with every recipient queued.
 */
@QuarkusTest
class SmtpClientsTest {

    @Inject
    SmtpListeners listeners;

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void rawClientOverStartTlsWithXoauth2IsStoredByteForByte() {
        String token = keycloak.clientCredentialsToken("sender-app");
        String message = "From: App <app@example.com>\r\nTo: bob@example.net\r\nSubject: raw " + UUID.randomUUID()
                + "\r\nMessage-ID: <raw-1@example.com>\r\n\r\nline one\r\n.leading dot survives unstuffing\r\n.\r\n..\r\nlast\r\n";
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                port(Door.SMTP_STARTTLS), Surroundings.certificates().clientContext())) {
            smtp.secured();
            assertThat(smtp.authXoauth2("app@example.com", token)).startsWith("235 2.7.0");
            String reply = smtp.sendMail("app@example.com", message, "bob@example.net", "carol@apps.example.com");
            assertThat(reply).startsWith("250 2.0.0");
            UUID id = StoredMail.idFromReply(reply);
            byte[] raw = StoredMail.raw(id);
            assertThat(new String(StoredMail.withoutTraceHeader(raw), StandardCharsets.UTF_8))
                    .isEqualTo(message);
            assertThat(StoredMail.traceHeader(raw))
                    .contains("by mx.mailgate.test")
                    .contains("TLSv1.3")
                    .contains("service-account-sender-app")
                    .contains("ESMTPSA id " + id);
            assertThat(StoredMail.recipientAddresses(id)).containsExactly("bob@example.net", "carol@apps.example.com");
            assertThat(StoredMail.recipientStates(id)).containsOnly("queued");
            assertThat(StoredMail.message(id))
                    .containsEntry("door", "587")
                    .containsEntry("envelope_sender", "app@example.com");
        }
    }

    @Test
    void everyStepOfTheSessionIsAuditedAndCounted() {
        String token = keycloak.clientCredentialsToken("sender-app");
        UUID id;
        try (SmtpTestClient smtp = SmtpTestClient.implicitTls(
                port(Door.SMTP_IMPLICIT_TLS), Surroundings.certificates().clientContext())) {
            smtp.reply();
            smtp.command("EHLO audit.test");
            SmtpTestClient.expect(smtp.authXoauth2("app@example.com", token), "235");
            id = StoredMail.idFromReply(smtp.sendMail(
                    "app@example.com", "From: app@example.com\r\nSubject: audited\r\n\r\nhi\r\n", "bob@example.net"));
            smtp.command("QUIT");
        }
        List<java.util.Map<String, Object>> accepted = dev.mailgate.testsupport.Db.rows(
                "SELECT * FROM audit_event WHERE message_id = ? AND type = 'message.accepted'", id);
        assertThat(accepted).hasSize(1);
        assertThat(accepted.get(0))
                .containsEntry("principal", "service-account-sender-app")
                .containsEntry("door", "465")
                .containsEntry("client_address", "127.0.0.1");
        assertThat((String) accepted.get(0).get("detail"))
                .contains("sender=<app@example.com>")
                .contains("recipients=1");
        // connection, TLS and authentication lines are written in batches: give the batch a moment
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dev.mailgate.testsupport.Db.rows(
                                        "SELECT DISTINCT type FROM audit_event WHERE door = '465' AND occurred_at > now() - interval '1 minute'")
                                .stream()
                                .map(r -> (String) r.get("type"))
                                .toList())
                        .contains("smtp.connect", "tls.started", "auth.success", "smtp.closed"));
        // earlier tests may already have written those types on 465: wait for this test's own line too
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dev.mailgate.testsupport.Db.count(
                                "SELECT count(*) FROM audit_event WHERE type = 'auth.success' AND door = '465'"
                                        + " AND principal = 'service-account-sender-app' AND detail LIKE '%XOAUTH2%'"))
                        .isPositive());

        String metrics = io.restassured.RestAssured.given()
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains("mailgate_smtp_sessions_total{door=\"465\"")
                .contains("mailgate_messages_accepted_total{door=\"465\"")
                .containsPattern("mailgate_smtp_auth_total\\{[^}]*mechanism=\"XOAUTH2\"[^}]*result=\"success\"")
                .contains("mailgate_smtp_data_commit_seconds_count{door=\"465\"")
                .containsPattern("mailgate_smtp_tls_total\\{[^}]*protocol=\"TLSv1.3\"");
    }

    @Test
    void jakartaMailWithXoauth2OverStartTls() throws Exception {
        String token = keycloak.clientCredentialsToken("sender-app");
        Properties props = new Properties();
        props.put("mail.smtp.host", "localhost");
        props.put("mail.smtp.port", String.valueOf(port(Door.SMTP_STARTTLS)));
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put(
                "mail.smtp.ssl.socketFactory",
                Surroundings.certificates().clientContext().getSocketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
        props.put("mail.smtp.ehlo", "true");
        Session session = Session.getInstance(props);
        MimeMessage mail = new MimeMessage(session);
        mail.setFrom(new InternetAddress("noreply@apps.example.com", "Apps"));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress("dora@example.org"));
        mail.setSubject("Grüße aus Jakarta Mail " + UUID.randomUUID(), "UTF-8");
        mail.setText("Hallo Dora,\nüber XOAUTH2.\n", "UTF-8");
        mail.saveChanges();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        mail.writeTo(expected);

        SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
        try {
            transport.connect("localhost", port(Door.SMTP_STARTTLS), "noreply@apps.example.com", token);
            transport.sendMessage(mail, mail.getAllRecipients());
            String reply = transport.getLastServerResponse();
            assertThat(reply).startsWith("250 2.0.0");
            UUID id = StoredMail.idFromReply(reply);
            assertThat(StoredMail.withoutTraceHeader(StoredMail.raw(id))).isEqualTo(expected.toByteArray());
            assertThat(StoredMail.recipientStates(id)).containsExactly("queued");
        } finally {
            transport.close();
        }
    }

    /** TLS 1.2 and 1.3 only, whichever engine serves TLS: an OpenSSL client that offers only 1.1 gets no session. */
    @Test
    void onlyTls12And13AreSpokenOn465() throws Exception {
        assertThat(opensslHandshake("-tls1_1"))
                .contains("alert protocol version")
                .contains("Cipher is (NONE)")
                .doesNotContain("220 ");
        assertThat(opensslHandshake("-tls1_2")).contains("TLSv1.2").contains("220 ");
        assertThat(opensslHandshake("-tls1_3")).contains("TLSv1.3").contains("220 ");
    }

    private String opensslHandshake(String protocol) throws Exception {
        // SECLEVEL=0: let the client offer TLS 1.1 at all, so that only the server can refuse it
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port(Door.SMTP_IMPLICIT_TLS),
                        protocol,
                        "-cipher",
                        "DEFAULT:@SECLEVEL=0",
                        "-ign_eof")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void curlOverImplicitTls465WithBearerToken() throws Exception {
        assertCurlSubmits("smtps://localhost:" + port(Door.SMTP_IMPLICIT_TLS), List.of(), "465");
    }

    @Test
    void curlOverStartTls587WithSslReqd() throws Exception {
        assertCurlSubmits("smtp://localhost:" + port(Door.SMTP_STARTTLS), List.of("--ssl-reqd"), "587");
    }

    private void assertCurlSubmits(String url, List<String> extra, String door) throws Exception {
        String token = keycloak.clientCredentialsToken("sender-app");
        String marker = UUID.randomUUID().toString();
        String message = "From: app@example.com\r\nTo: erin@example.net\r\nSubject: curl " + marker
                + "\r\nMessage-ID: <" + marker + "@example.com>\r\n\r\nSent by curl.\r\n.\r\nStill the body.\r\n";
        Path file = Files.createTempFile("curl-mail", ".eml");
        Files.writeString(file, message, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "--silent",
                "--show-error",
                "--url",
                url,
                "--cacert",
                Surroundings.certificates().certPath().toString(),
                "--user",
                "app@example.com:",
                "--oauth2-bearer",
                token,
                "--mail-from",
                "app@example.com",
                "--mail-rcpt",
                "erin@example.net",
                "--upload-file",
                file.toString(),
                "--max-time",
                "30"));
        command.addAll(extra);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as("curl said: %s", output).isZero();

        List<java.util.Map<String, Object>> rows = dev.mailgate.testsupport.Db.rows(
                "SELECT id FROM message WHERE message_id = ?", "<" + marker + "@example.com>");
        assertThat(rows).hasSize(1);
        UUID id = (UUID) rows.get(0).get("id");
        byte[] raw = StoredMail.raw(id);
        assertThat(new String(StoredMail.withoutTraceHeader(raw), StandardCharsets.UTF_8))
                .isEqualTo(message);
        assertThat(StoredMail.message(id)).containsEntry("door", door);
        assertThat(StoredMail.recipientStates(id)).containsExactly("queued");
    }

    private int port(Door door) {
        return listeners.boundPorts().get(door);
    }
}
