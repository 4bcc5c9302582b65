package dev.mailgate.health;

import dev.mailgate.inbound.SmtpListeners;
import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.PostgresServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.StoredMail;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL goes away in the middle of an SMTP session and comes back: the client is told to try
 * later (451 4.3.0, never 250, never 5xx), readiness goes DOWN, and both recover by themselves.
 */
@QuarkusTest
class DatabaseOutageTest {

    @Inject
    SmtpListeners listeners;

    @AfterEach
    void databaseIsBack() {
        PostgresServer.shared().start();
    }

    @Test
    void submissionIsDeferredWhileTheDatabaseIsDownAndAcceptedOnceItIsBack() {
        awaitReady(200, "UP");
        String token = KeycloakServer.shared().clientCredentialsToken("sender-app");
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                        listeners.boundPorts().get(Door.SMTP_STARTTLS),
                        Surroundings.certificates().clientContext())
                .secured()) {
            SmtpTestClient.expect(smtp.authXoauth2("app@example.com", token), "235");

            PostgresServer.shared().stop();
            String lost = UUID.randomUUID().toString();
            String reply = smtp.sendMail("app@example.com", message(lost), "bob@example.net");
            assertThat(reply).startsWith("451 4.3.0");
            awaitReady(503, "DOWN");

            PostgresServer.shared().start();
            awaitReady(200, "UP");
            String kept = UUID.randomUUID().toString();
            String accepted = smtp.sendMail("app@example.com", message(kept), "bob@example.net");
            assertThat(accepted).startsWith("250 2.0.0");
            assertThat(StoredMail.countContaining(kept)).isEqualTo(1);
            assertThat(StoredMail.countContaining(lost)).isZero();
        }
    }

    private static String message(String marker) {
        return "From: app@example.com\r\nTo: bob@example.net\r\nSubject: " + marker + "\r\n\r\nbody\r\n";
    }

    private static void awaitReady(int status, String state) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(status)
                        .body("status", equalTo(state)));
    }
}
