package dev.mailgate.policy;

import dev.mailgate.inbound.SmtpListeners;
import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.StoredMail;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-principal sending limits over SMTP, and brute-force protection over real sockets, with real Keycloak passwords: each test is its own client
 * address in 127.0.0.0/8, so lockouts of one test never touch another.
 */
@QuarkusTest
@TestProfile(AuthAndLimitsTest.Strict.class)
class AuthAndLimitsTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mailgate.limits.auth-failures",
                    "3",
                    "mailgate.limits.auth-failures-per-principal",
                    "3",
                    "mailgate.limits.auth-lockout",
                    "10m",
                    "mailgate.limits.principal.\"service-account-sender-app\".messages-per-day",
                    "2");
        }
    }

    @Inject
    SmtpListeners listeners;

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void sendingLimitFromAPrincipalOverrideIs451AndAudited() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = secured("127.0.0.41")) {
            SmtpTestClient.expect(
                    smtp.authXoauth2("app@example.com", keycloak.clientCredentialsToken("sender-app")), "235");
            for (int i = 0; i < 2; i++) {
                assertThat(smtp.sendMail("app@example.com", message(marker + "-" + i), "bob@example.net"))
                        .startsWith("250");
            }
            String third = smtp.sendMail("app@example.com", message(marker + "-2"), "bob@example.net");
            assertThat(third).startsWith("451 4.7.1 Sending limit exceeded (2 messages per day)");
        }
        assertThat(StoredMail.countContaining(marker + "-2")).isZero();
        awaitAudit(
                "SELECT count(*) FROM audit_event WHERE type = 'limit.exceeded' AND principal = 'service-account-sender-app'"
                        + " AND client_address = '127.0.0.41'");
    }

    private static String message(String subject) {
        return "From: app@example.com\r\nTo: bob@example.net\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
    }

    @Test
    void addressIsLockedAfterThreeFailuresThen454OnAuthAnd421OnConnect() {
        String attacker = "127.0.0.21";
        try (SmtpTestClient smtp = secured(attacker)) {
            for (int i = 0; i < 3; i++) {
                assertThat(smtp.authPlain("bob", "guess-" + i)).startsWith("535 5.7.8");
            }
            // locked now: even the right password is not looked at
            assertThat(smtp.authPlain("alice", keycloak.password("alice"))).startsWith("454 4.7.0");
        }
        try (SmtpTestClient smtp = SmtpTestClient.from(attacker, port(), tls(), new byte[0], false)) {
            assertThat(smtp.reply()).startsWith("421 4.7.0");
            assertThat(smtp.closedByServer()).isTrue();
        }
        awaitAudit(
                "SELECT count(*) FROM audit_event WHERE type = 'auth.lockout' AND client_address = ? AND detail LIKE 'scope=address%'",
                attacker);
        awaitAudit(
                "SELECT count(*) FROM audit_event WHERE type = 'smtp.connection.refused' AND client_address = ?"
                        + " AND detail LIKE 'reason=locked-out%'",
                attacker);
        assertThat(Db.count(
                        "SELECT count(*) FROM policy_lockout WHERE scope = 'address' AND subject = ?"
                                + " AND locked_until > now() + interval '9 minutes'",
                        attacker))
                .isEqualTo(1);
    }

    @Test
    void metricsShowAuthResultsLockoutsAndRefusedConnections() {
        String attacker = "127.0.0.51";
        try (SmtpTestClient smtp = secured(attacker)) {
            for (int i = 0; i < 3; i++) {
                smtp.authPlain("erin", "guess-" + i);
            }
        }
        try (SmtpTestClient smtp = SmtpTestClient.from(attacker, port(), tls(), new byte[0], false)) {
            assertThat(smtp.reply()).startsWith("421 4.7.0");
        }
        String metrics = io.restassured.RestAssured.given()
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .containsPattern("mailgate_smtp_auth_total\\{[^}]*mechanism=\"PLAIN\"[^}]*result=\"failure\"");
        assertThat(metrics).containsPattern("mailgate_auth_lockouts_total\\{[^}]*scope=\"address\"");
        assertThat(metrics).containsPattern("mailgate_smtp_connections_refused_total\\{[^}]*reason=\"locked-out\"");
        assertThat(metrics).containsPattern("mailgate_smtp_sessions_total\\{[^}]*door=\"587\"");
        assertThat(metrics).containsPattern("mailgate_smtp_tls_total\\{[^}]*protocol=\"TLSv1\\.[23]\"");
        assertThat(metrics).contains("mailgate_smtp_connections_open");
    }

    @Test
    void aLockoutWrittenByAnotherInstanceAppliesHereWithinASecond() {
        String address = "127.0.0.25";
        try (SmtpTestClient smtp = SmtpTestClient.from(address, port(), tls(), new byte[0], false)) {
            assertThat(smtp.reply()).startsWith("220"); // this instance now trusts "not locked" for a moment
        }
        // another instance locks the address out: only the shared table changes
        Db.rows(
                "INSERT INTO policy_lockout (scope, subject, locked_until) VALUES ('address', ?, now() + interval '5 minutes')"
                        + " RETURNING 1",
                address);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    try (SmtpTestClient smtp = SmtpTestClient.from(address, port(), tls(), new byte[0], false)) {
                        assertThat(smtp.reply()).startsWith("421 4.7.0");
                    }
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofSeconds(3)); // 1 s of trust, plus a loaded machine
    }

    @Test
    void attemptsDuringTheLockoutExtendIt() {
        String attacker = "127.0.0.23";
        try (SmtpTestClient smtp = secured(attacker)) {
            for (int i = 0; i < 3; i++) {
                smtp.authPlain("dave", "guess-" + i);
            }
            Db.rows(
                    "UPDATE policy_lockout SET locked_until = now() + interval '1 minute'"
                            + " WHERE scope = 'address' AND subject = ? RETURNING 1",
                    attacker);
            assertThat(smtp.authPlain("dave", "again")).startsWith("454 4.7.0");
        }
        assertThat(Db.count(
                        "SELECT count(*) FROM policy_lockout WHERE scope = 'address' AND subject = ?"
                                + " AND locked_until > now() + interval '9 minutes'",
                        attacker))
                .isEqualTo(1);
    }

    @Test
    void lockedPrincipalStillLogsInFromAnotherAddress() {
        String password = keycloak.password("alice");
        // a distributed guesser: three addresses, one wrong guess each, all for alice
        for (String attacker : new String[] {"127.0.0.31", "127.0.0.32", "127.0.0.33"}) {
            try (SmtpTestClient smtp = secured(attacker)) {
                assertThat(smtp.authPlain("alice", "wrong")).startsWith("535 5.7.8");
            }
        }
        awaitAudit("SELECT count(*) FROM audit_event WHERE type = 'auth.lockout' AND principal = 'alice'"
                + " AND detail LIKE 'scope=principal%'");
        // an address that guessed for alice may not try her again, even with the right password
        try (SmtpTestClient smtp = secured("127.0.0.32")) {
            assertThat(smtp.authPlain("alice", password)).startsWith("454 4.7.0");
        }
        // alice herself, from her own address, is not locked out
        try (SmtpTestClient smtp = secured("127.0.0.34")) {
            assertThat(smtp.authPlain("alice", password)).startsWith("235");
        }
    }

    private void awaitAudit(String sql, Object... params) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(sql, params) > 0);
    }

    private SmtpTestClient secured(String from) {
        return SmtpTestClient.from(from, port(), tls(), new byte[0], false).secured();
    }

    private static javax.net.ssl.SSLContext tls() {
        return Surroundings.certificates().clientContext();
    }

    private int port() {
        return listeners.boundPorts().get(Door.SMTP_STARTTLS);
    }
}
