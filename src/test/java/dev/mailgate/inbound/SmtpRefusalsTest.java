package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every refusal of the submission rules, through real sockets, real TLS and real Keycloak tokens:
 * the exact reply, and nothing stored.
 */
@QuarkusTest
@TestProfile(SmtpRefusalsTest.SmallLimits.class)
class SmtpRefusalsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // room for one message of the largest size at a time
            return Map.of(
                    "mailgate.limits.max-message-size",
                    "65536",
                    "mailgate.limits.recipients-per-message",
                    "3",
                    "mailgate.smtp.content-buffer",
                    "96K");
        }
    }

    @Inject
    SmtpListeners listeners;

    @Inject
    ContentBudget budget;

    private final KeycloakServer keycloak = KeycloakServer.shared();

    // --- tokens Keycloak did not issue for us -------------------------------------------------

    @Test
    void tokenFromAnotherRealmGetsOauthChallengeThen535() {
        assertTokenRefused(keycloak.otherRealmToken());
    }

    @Test
    void tokenWithoutOurAudienceIsRefused() {
        assertTokenRefused(keycloak.clientCredentialsToken("no-audience-app"));
    }

    @Test
    void tamperedSignatureIsRefused() {
        String token = keycloak.clientCredentialsToken("sender-app");
        int sig = token.lastIndexOf('.') + 5;
        char flipped = token.charAt(sig) == 'A' ? 'B' : 'A';
        assertTokenRefused(token.substring(0, sig) + flipped + token.substring(sig + 1));
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = keycloak.clientCredentialsToken("no-role-app").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        // grant ourselves the send role and a new name, keeping Keycloak's signature
        String forged = payload.replaceFirst("\\{", "{\"realm_access\":{\"roles\":[\"mail-send\"]},")
                .replace("service-account-no-role-app", "service-account-sender-app");
        assertThat(forged).isNotEqualTo(payload);
        assertTokenRefused(parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2]);
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String[] parts = keycloak.clientCredentialsToken("sender-app").split("\\.");
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertTokenRefused(header + "." + parts[1] + ".");
    }

    @Test
    void expiredTokenIsRefused() throws InterruptedException {
        String token = keycloak.clientCredentialsToken("short-lived-app");
        try (SmtpTestClient smtp = secured()) {
            // accepted while valid, and so remembered as verified: expiry must still end it
            assertThat(smtp.authXoauth2("app@example.com", token)).startsWith("235 2.7.0");
        }
        long exp = dev.mailgate.testsupport.JwtPayload.of(token).path("exp").asLong();
        long wait = exp * 1000 - System.currentTimeMillis() + 2_000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        assertTokenRefused(token);
    }

    @Test
    void wrongPasswordWithPlainIs535() {
        try (SmtpTestClient smtp = secured()) {
            assertThat(smtp.authPlain("alice", "not-her-password")).startsWith("535 5.7.8");
        }
        assertThat(Db.count("SELECT count(*) FROM audit_event WHERE type = 'auth.failure' AND detail LIKE '%PLAIN%'"))
                .isPositive();
    }

    // --- authenticated, but not allowed ------------------------------------------------------

    @Test
    void identityWithoutSendRoleCannotStartATransaction() {
        try (SmtpTestClient smtp = secured()) {
            assertThat(smtp.authXoauth2("x", keycloak.clientCredentialsToken("no-role-app")))
                    .startsWith("235");
            assertThat(smtp.command("MAIL FROM:<app@example.com>")).startsWith("550 5.7.1");
        }
    }

    @Test
    void envelopeSenderNotOwnedIs550() {
        try (SmtpTestClient smtp = authenticated()) {
            assertThat(smtp.command("MAIL FROM:<ceo@example.com>")).startsWith("550 5.7.1");
            assertThat(smtp.command("MAIL FROM:<app@evil.example>")).startsWith("550 5.7.1");
            assertThat(smtp.command("MAIL FROM:<>")).startsWith("550 5.7.1");
        }
    }

    @Test
    void fromHeaderNotOwnedIs550AndNothingStored() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: The CEO <ceo@example.com>\r\nSubject: " + marker + "\r\n\r\nwire money\r\n",
                    "bob@example.net");
            assertThat(reply).startsWith("550 5.7.1");
            String sender = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nSender: ceo@example.com\r\nSubject: " + marker + "\r\n\r\nwire money\r\n",
                    "bob@example.net");
            assertThat(sender).startsWith("550 5.7.1");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    // --- order of the session ----------------------------------------------------------------

    @Test
    void authBeforeStartTlsIs530() {
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                port(Door.SMTP_STARTTLS), Surroundings.certificates().clientContext())) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.test")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(smtp.authXoauth2("x", keycloak.clientCredentialsToken("sender-app")))
                    .startsWith("530 5.7.0");
            assertThat(smtp.command("MAIL FROM:<app@example.com>")).startsWith("530 5.7.0");
        }
    }

    @Test
    void mailBeforeAuthIs530() {
        try (SmtpTestClient smtp = secured()) {
            assertThat(smtp.command("MAIL FROM:<app@example.com>")).startsWith("530 5.7.0");
        }
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscarded() {
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                port(Door.SMTP_STARTTLS), Surroundings.certificates().clientContext())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            // CVE-2011-0411: a man in the middle appends commands to the plaintext STARTTLS
            smtp.send("STARTTLS\r\nRSET\r\nNOOP injected\r\n");
            assertThat(smtp.reply()).startsWith("220");
            smtp.upgrade();
            // had the injected commands run, their replies would arrive now, ahead of this one
            assertThat(smtp.command("EHLO client.test")).startsWith("250-mx.mailgate.test");
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 OK\r\n");
        }
    }

    // --- smuggling and framing ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r"})
    void fakeEndOfDataNeverSplitsAMessage(String fakeEnd) {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            SmtpTestClient.expect(smtp.command("MAIL FROM:<app@example.com>"), "250");
            SmtpTestClient.expect(smtp.command("RCPT TO:<bob@example.net>"), "250");
            SmtpTestClient.expect(smtp.command("DATA"), "354");
            smtp.send("From: app@example.com\r\nSubject: " + marker + "\r\n\r\nfirst" + fakeEnd
                    + "MAIL FROM:<app@example.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
                    + "From: app@example.com\r\nSubject: smuggled " + marker + "\r\n\r\nsecond\r\n.\r\n");
            assertThat(smtp.reply()).startsWith("550 5.6.0");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    @Test
    void overlongCommandLineIs500ButLongAuthLinesAreAllowed() {
        try (SmtpTestClient smtp = secured()) {
            assertThat(smtp.command("NOOP " + "x".repeat(600))).startsWith("500 5.5.2");
            String token = keycloak.clientCredentialsToken("sender-app");
            assertThat(token.length()).isGreaterThan(600);
            assertThat(smtp.authXoauth2("app@example.com", token)).startsWith("235");
        }
    }

    @Test
    void overlongTextLineRefusesTheMessage() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nSubject: " + marker + "\r\n\r\n" + "y".repeat(1200) + "\r\n",
                    "bob@example.net");
            assertThat(reply).startsWith("554 5.6.0");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    @Test
    void oversizeMessageIs552() {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = authenticated()) {
            assertThat(smtp.command("EHLO again.test")).contains("SIZE 65536");
            smtp.authXoauth2("app@example.com", keycloak.clientCredentialsToken("sender-app"));
            assertThat(smtp.command("MAIL FROM:<app@example.com> SIZE=70000")).startsWith("552 5.3.4");
            String body = ("z".repeat(98) + "\r\n").repeat(800);
            String reply = smtp.sendMail(
                    "app@example.com",
                    "From: app@example.com\r\nSubject: " + marker + "\r\n\r\n" + body,
                    "bob@example.net");
            assertThat(reply).startsWith("552 5.3.4");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    @Test
    void recipientsBeyondTheLimitAre452() {
        try (SmtpTestClient smtp = authenticated()) {
            SmtpTestClient.expect(smtp.command("MAIL FROM:<app@example.com>"), "250");
            for (int i = 0; i < 3; i++) {
                SmtpTestClient.expect(smtp.command("RCPT TO:<r" + i + "@example.net>"), "250");
            }
            assertThat(smtp.command("RCPT TO:<r4@example.net>")).startsWith("452 4.5.3");
        }
    }

    // ------------------------------------------------------------------------------------------

    private void assertTokenRefused(String token) {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient smtp = secured()) {
            String challenge = smtp.authXoauth2("app@example.com", token);
            assertThat(challenge).startsWith("334 ");
            String json =
                    new String(Base64.getDecoder().decode(challenge.substring(4).trim()), StandardCharsets.UTF_8);
            assertThat(json).contains("\"status\"");
            assertThat(smtp.command("")).startsWith("535 5.7.8");
            assertThat(smtp.command("MAIL FROM:<app@example.com>")).startsWith("530 5.7.0");
        }
        try (SmtpTestClient smtp = secured()) {
            // the same token as a PLAIN password (clients that cannot do OAuth) is refused too
            assertThat(smtp.authPlain("app@example.com", token)).startsWith("535 5.7.8");
        }
        assertThat(StoredMail.countContaining(marker)).isZero();
    }

    private SmtpTestClient secured() {
        return SmtpTestClient.plain(
                        port(Door.SMTP_STARTTLS), Surroundings.certificates().clientContext())
                .secured();
    }

    // --- heap for messages being received ------------------------------------------------------

    @Test
    void aMessageThatFindsTheContentBufferFullIs452ThenGoesThroughOnceTheOtherIsStored() throws InterruptedException {
        String marker = UUID.randomUUID().toString();
        StringBuilder big = new StringBuilder("From: app@example.com\r\nSubject: " + marker + "\r\n\r\n");
        while (big.length() < 60_000) {
            big.append("x".repeat(70)).append("\r\n");
        }
        try (SmtpTestClient first = authenticated();
                SmtpTestClient second = authenticated()) {
            SmtpTestClient.expect(first.command("MAIL FROM:<app@example.com>"), "250");
            SmtpTestClient.expect(first.command("RCPT TO:<bob@example.net>"), "250");
            SmtpTestClient.expect(first.command("DATA"), "354");
            first.send(big.toString()); // no final dot yet: mailgate holds it
            for (int i = 0; i < 100 && budget.reserved() < 60_000; i++) {
                Thread.sleep(50);
            }
            assertThat(budget.reserved()).isGreaterThanOrEqualTo(60_000);

            assertThat(second.sendMail("app@example.com", big.toString(), "bob@example.net"))
                    .startsWith("452 4.3.1");

            first.send(".\r\n");
            assertThat(first.reply()).startsWith("250 2.0.0");
            assertThat(second.sendMail("app@example.com", big.toString(), "bob@example.net"))
                    .startsWith("250 2.0.0");
        }
        assertThat(StoredMail.countContaining(marker)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Db.count(
                                "SELECT count(*) FROM audit_event WHERE type = 'smtp.refused' AND detail LIKE '%452 4.3.1%'")
                        > 0);
    }

    private SmtpTestClient authenticated() {
        SmtpTestClient smtp = secured();
        SmtpTestClient.expect(
                smtp.authXoauth2("app@example.com", keycloak.clientCredentialsToken("sender-app")), "235");
        return smtp;
    }

    private int port(Door door) {
        return listeners.boundPorts().get(door);
    }
}
