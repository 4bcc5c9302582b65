package dev.mailgate.policy;

import dev.mailgate.inbound.SmtpListeners;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Submission;
import dev.mailgate.submission.SubmissionOutcome;
import dev.mailgate.submission.SubmissionService;
import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.RspamdServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.StoredMail;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real rspamd behind the shared submission path; plus the content policy through real SMTP. */
@QuarkusTest
@TestProfile(SpamFilterTest.WithRspamd.class)
class SpamFilterTest {

    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    public static class WithRspamd implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!RspamdServer.installed()) {
                return Map.of();
            }
            // A busy 2-core CI machine may be slow: a late verdict must not turn into fail-open
            // (15 s: below SmtpTestClient's 20 s read timeout).
            return Map.of(
                    "mailgate.filter.rspamd-url", RspamdServer.shared().url(), "mailgate.filter.rspamd-timeout", "15s");
        }
    }

    @Inject
    SmtpListeners listeners;

    @Inject
    SubmissionService submissions;

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @BeforeEach
    void needsRspamd() {
        Assumptions.assumeTrue(RspamdServer.installed(), RspamdServer.MISSING);
    }

    @Test
    void gtubeOverSmtpIsRejectedWithRspamdsReason() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nTo: bob@example.net\r\nSubject: " + marker + "\r\n\r\n" + GTUBE + "\r\n",
                    "bob@example.net");
            assertThat(reply).startsWith("550 5.7.1 Message rejected as spam: ");
            assertThat(reply.toLowerCase()).contains("gtube");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Db.count("SELECT count(*) FROM audit_event"
                                + " WHERE type = 'filter.rejected' AND detail LIKE '%GTUBE%'")
                        > 0);
        assertThat(io.restassured.RestAssured.given()
                        .when()
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .containsPattern("mailgate_filter_verdicts_total\\{[^}]*verdict=\"reject\"");
    }

    @Test
    void gtubeThroughTheSharedPathAsTheApiUsesItIsRejected() {
        Identity identity = new Identity(
                "service-account-sender-app",
                Optional.empty(),
                List.of("app@example.com"),
                Set.of("mail-send"),
                "mail-send");
        byte[] message = ("From: app@example.com\r\nTo: bob@example.net\r\nSubject: api\r\n\r\n" + GTUBE + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        UUID id = UUID.randomUUID();
        SubmissionOutcome outcome = submissions
                .submit(new Submission(
                        identity,
                        "192.0.2.10",
                        Door.API,
                        id,
                        Envelope.simple("app@example.com", List.of("bob@example.net")),
                        message))
                .await()
                .atMost(Duration.ofSeconds(60));
        assertThat(outcome).as(() -> whatTheFilterSaid(id)).isInstanceOf(SubmissionOutcome.Refused.class);
        SubmissionOutcome.Refused refused = (SubmissionOutcome.Refused) outcome;
        assertThat(refused.refusal().smtpReply()).startsWith("550 5.7.1");
        assertThat(refused.refusal().httpStatus()).isEqualTo(422);
    }

    @Test
    void anOrdinaryMessagePasses() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nTo: bob@example.net\r\nSubject: "
                            + "Minutes of the meeting " + marker + "\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n"
                            + "Hello Bob,\r\n\r\nattached are the minutes of Tuesday's meeting.\r\n\r\nRegards\r\n",
                    "bob@example.net");
            assertThat(reply).startsWith("250");
        }
        assertThat(StoredMail.countContaining(marker)).isEqualTo(1);
    }

    @Test
    void addHeaderVerdictIsStoredWithXSpamHeaders() {
        String marker = UUID.randomUUID().toString();
        UUID id;
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nTo: bob@example.net\r\n" + "X-Mailgate-Test: flag\r\nSubject: " + marker
                            + "\r\n\r\nbody\r\n",
                    "bob@example.net");
            assertThat(reply).startsWith("250");
            id = StoredMail.idFromReply(reply);
        }
        String stored = new String(StoredMail.raw(id), StandardCharsets.UTF_8);
        assertThat(stored)
                .contains("X-Spam-Flag: YES\r\n")
                .contains("X-Spam-Action: add header\r\n")
                .contains("X-Spam-Score: ");
    }

    @Test
    void softRejectVerdictIs451() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nTo: bob@example.net\r\n" + "X-Mailgate-Test: soft\r\nSubject: " + marker
                            + "\r\n\r\nbody\r\n",
                    "bob@example.net");
            assertThat(reply)
                    .startsWith("451 4.7.1 Message deferred by the spam filter: Try again later (mailgate test)");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    @Test
    void executableAttachmentOverSmtpIs550() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    ContentPolicyTest.withAttachment(
                                    "setup.exe", "application/octet-stream", ("just bytes " + marker).getBytes())
                            .replace("Subject: report", "Subject: " + marker),
                    "bob@example.net");
            assertThat(reply).startsWith("550 5.7.1 Executable attachments are not accepted (setup.exe)");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Db.count("SELECT count(*) FROM audit_event"
                                + " WHERE type = 'policy.refused' AND detail LIKE '%setup.exe%'")
                        > 0);
    }

    /** On failure only: the filter's audit lines for the message and rspamd's own log, so a CI run says why. */
    private static String whatTheFilterSaid(UUID id) {
        String sql = "SELECT type, detail FROM audit_event WHERE message_id = ? AND type LIKE 'filter.%'";
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> !Db.rows(sql, id).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException none) {
            // no filter line at all: rspamd's log below is all there is
        }
        return "filter audit for " + id + ": " + Db.rows(sql, id) + "\nrspamd log (tail):\n"
                + RspamdServer.shared().logTail(15);
    }

    private SmtpTestClient authenticated() {
        SmtpTestClient smtp = SmtpTestClient.plain(
                        listeners.boundPorts().get(Door.SMTP_STARTTLS),
                        Surroundings.certificates().clientContext())
                .secured();
        SmtpTestClient.expect(
                smtp.authXoauth2("app@example.com", keycloak.clientCredentialsToken("sender-app")), "235");
        return smtp;
    }
}
