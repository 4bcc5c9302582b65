package dev.mailgate.it;

import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.StoredMail;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The paths a native image is most likely to break, end to end: Vert.x NetServer with TLS (STARTTLS and
 * implicit TLS), JWT verification against Keycloak's JWKS, the Keycloak password grant, mime4j parsing
 * of From:, and the PostgreSQL commit behind the 250 (checked with our own SQL).
 */
@QuarkusIntegrationTest
class SmtpSubmissionIT {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void startTlsWithXoauth2IsCommittedByteForByte() {
        String token = keycloak.clientCredentialsToken("sender-app");
        String message = "From: \"App, Inc.\" <app@example.com>\r\nTo: bob@example.net\r\nSubject: it "
                + UUID.randomUUID() + "\r\nMessage-ID: <it-1@example.com>\r\n\r\nhello from the packaged artifact\r\n";
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                RunningApp.smtpPort("587"), Surroundings.certificates().clientContext())) {
            smtp.secured();
            assertThat(smtp.authXoauth2("app@example.com", token)).startsWith("235 2.7.0");
            String reply = smtp.sendMail("app@example.com", message, "bob@example.net");
            assertThat(reply).startsWith("250 2.0.0");
            UUID id = StoredMail.idFromReply(reply);
            assertThat(new String(StoredMail.withoutTraceHeader(StoredMail.raw(id)), StandardCharsets.UTF_8))
                    .isEqualTo(message);
            assertThat(StoredMail.recipientStates(id)).containsExactly("queued");
            assertThat(StoredMail.message(id)).containsEntry("door", "587");
        }
    }

    @Test
    void implicitTlsWithKeycloakPasswordIsCommitted() {
        String message = "From: Alice <alice@example.com>\r\nTo: carol@example.org\r\nSubject: it " + UUID.randomUUID()
                + "\r\n\r\nvia 465 and AUTH PLAIN\r\n";
        try (SmtpTestClient smtp = SmtpTestClient.implicitTls(
                RunningApp.smtpPort("465"), Surroundings.certificates().clientContext())) {
            SmtpTestClient.expect(smtp.reply(), "220");
            SmtpTestClient.expect(smtp.command("EHLO client.test"), "250");
            assertThat(smtp.authPlain("alice", keycloak.password("alice"))).startsWith("235 2.7.0");
            String reply = smtp.sendMail("alice@example.com", message, "carol@example.org");
            assertThat(reply).startsWith("250 2.0.0");
            UUID id = StoredMail.idFromReply(reply);
            assertThat(StoredMail.message(id))
                    .containsEntry("door", "465")
                    .containsEntry("envelope_sender", "alice@example.com");
        }
    }

    @Test
    void senderTheTokenDoesNotOwnIsRefused() {
        String token = keycloak.clientCredentialsToken("sender-app");
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                RunningApp.smtpPort("587"), Surroundings.certificates().clientContext())) {
            smtp.secured();
            assertThat(smtp.authXoauth2("app@example.com", token)).startsWith("235");
            assertThat(smtp.command("MAIL FROM:<ceo@bank.example>")).startsWith("550 5.7.1");
        }
    }
}
