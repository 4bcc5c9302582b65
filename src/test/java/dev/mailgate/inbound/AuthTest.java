package dev.mailgate.inbound;

import java.util.Optional;
import org.junit.jupiter.api.Test;

import static dev.mailgate.inbound.SmtpDriver.b64;
import static org.assertj.core.api.Assertions.assertThat;

class AuthTest {
    private static final String TOKEN = SmtpDriver.GOOD_TOKEN;

    private static String oauthBearer(String user, String token) {
        return b64("n,a=" + user + ",\u0001host=mx.mailgate.test\u0001port=587\u0001auth=Bearer " + token
                + "\u0001\u0001");
    }

    private static String xoauth2(String user, String token) {
        return b64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    @Test
    void oauthBearerWithInitialResponse() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH OAUTHBEARER " + oauthBearer("alice@example.com", TOKEN) + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.of("alice@example.com")));
        assertThat(d.actions).contains(new SessionAction.Authenticate(d.credentials.get(0), "OAUTHBEARER"));
        assertThat(d.auditTypes()).contains("auth.success");
        assertThat(d.auditText()).contains("principal=alice").doesNotContain(TOKEN);
    }

    @Test
    void oauthBearerWithoutInitialResponseGetsEmptyChallenge() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH OAUTHBEARER\r\n")).isEqualTo("334 \r\n");
        assertThat(d.send(oauthBearer("alice@example.com", TOKEN) + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
    }

    @Test
    void oauthBearerAuthzidIsDecoded() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH OAUTHBEARER " + b64("n,a=a=2Cb=3Dc@example.com,\u0001auth=Bearer " + TOKEN + "\u0001\u0001")
                + "\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.of("a,b=c@example.com")));
    }

    @Test
    void oauthBearerWithoutAuthzid() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH OAUTHBEARER " + b64("n,,\u0001auth=Bearer " + TOKEN + "\u0001\u0001") + "\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.empty()));
    }

    @Test
    void oauthBearerFailureSendsJsonChallengeThen535() {
        SmtpDriver d = SmtpDriver.submission().secured();
        String reply = d.send("AUTH OAUTHBEARER " + oauthBearer("alice@example.com", "expired") + "\r\n");
        assertThat(reply)
                .isEqualTo("334 " + b64("{\"status\":\"invalid_token\",\"schemes\":\"bearer\",\"scope\":\"openid\"}")
                        + "\r\n");
        assertThat(d.send("AQ==\r\n")).isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
        assertThat(d.auditTypes()).contains("auth.failure");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
    }

    @Test
    void oauthBearerFailureAcknowledgedWithEmptyLine() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH OAUTHBEARER " + oauthBearer("alice@example.com", "expired") + "\r\n");
        assertThat(d.send("\r\n")).isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
    }

    @Test
    void oauthBearerMalformed() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH OAUTHBEARER " + b64("n,,\u0001host=x\u0001\u0001") + "\r\n"))
                .isEqualTo("501 5.5.2 Malformed authentication data\r\n");
        assertThat(d.credentials).isEmpty();
    }

    @Test
    void xoauth2Success() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH XOAUTH2 " + xoauth2("alice@example.com", TOKEN) + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.of("alice@example.com")));
    }

    @Test
    void xoauth2FailureSendsGoogleStyleChallengeThen535() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH XOAUTH2\r\n")).isEqualTo("334 \r\n");
        assertThat(d.send(xoauth2("alice@example.com", "bad") + "\r\n"))
                .isEqualTo("334 "
                        + b64("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}")
                        + "\r\n");
        assertThat(d.send("\r\n")).isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
    }

    @Test
    void plainWithInitialResponse() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.Password("alice", "s3cret"));
        assertThat(d.auditText()).doesNotContain("s3cret");
    }

    @Test
    void plainWithEmptyChallenge() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN\r\n")).isEqualTo("334 \r\n");
        assertThat(d.send(b64("alice\0alice\0s3cret") + "\r\n")).isEqualTo("235 2.7.0 Authentication successful\r\n");
    }

    @Test
    void plainEqualsSignMeansEmptyInitialResponse() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN =\r\n")).isEqualTo("501 5.5.2 Malformed authentication data\r\n");
    }

    @Test
    void plainWithJwtPasswordIsATokenCredential() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice@example.com\0" + TOKEN) + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.of("alice@example.com")));
    }

    @Test
    void passwordWithDotsIsNotMistakenForAToken() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH PLAIN " + b64("\0alice\0my.pass.word") + "\r\n");
        assertThat(d.credentials).containsExactly(new Credential.Password("alice", "my.pass.word"));
    }

    @Test
    void plainWrongPassword() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0wrong") + "\r\n"))
                .isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
        assertThat(d.auditText())
                .contains("auth.failure")
                .contains("user=alice")
                .doesNotContain("wrong");
    }

    @Test
    void plainWithOtherAuthzidIsRefused() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN " + b64("root\0alice\0s3cret") + "\r\n")).startsWith("535 5.7.8 ");
        assertThat(d.credentials).isEmpty();
    }

    @Test
    void loginTwoChallenges() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH LOGIN\r\n")).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThat(d.send(b64("alice") + "\r\n")).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(d.send(b64("s3cret") + "\r\n")).isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.Password("alice", "s3cret"));
    }

    @Test
    void loginWithInitialResponseAndTokenPassword() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH LOGIN " + b64("alice") + "\r\n")).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(d.send(b64(TOKEN) + "\r\n")).isEqualTo("235 2.7.0 Authentication successful\r\n");
        assertThat(d.credentials).containsExactly(new Credential.BearerToken(TOKEN, Optional.of("alice")));
    }

    @Test
    void loginWrongPassword() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH LOGIN\r\n");
        d.send(b64("alice") + "\r\n");
        assertThat(d.send(b64("nope") + "\r\n")).isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
    }

    @Test
    void clientCancels() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH LOGIN\r\n");
        assertThat(d.send("*\r\n")).isEqualTo("501 5.0.0 Authentication cancelled\r\n");
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void badBase64() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN !!notbase64\r\n")).isEqualTo("501 5.5.2 Invalid base64 data\r\n");
        d.send("AUTH LOGIN\r\n");
        assertThat(d.send("abc\r\n")).isEqualTo("501 5.5.2 Invalid base64 data\r\n");
        assertThat(d.credentials).isEmpty();
    }

    @Test
    void unknownMechanism() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH CRAM-MD5\r\n")).isEqualTo("504 5.5.4 Unrecognized authentication type\r\n");
        assertThat(d.send("AUTH\r\n")).isEqualTo("501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
    }

    @Test
    void mechanismNameIsCaseInsensitive() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("auth plain " + b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
    }

    @Test
    void onlyOneAuthPerSession() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("503 5.5.1 Already authenticated\r\n");
    }

    @Test
    void authInsideATransactionIsRefused() {
        // a transaction needs an identity, so "already authenticated" is what the client hears
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("503 5.5.1 Already authenticated\r\n");
    }

    @Test
    void requiresEhlo() {
        SmtpDriver d = SmtpDriver.submissions();
        d.start();
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n")).isEqualTo("503 5.5.1 Send EHLO first\r\n");
        d.send("HELO x\r\n");
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n")).isEqualTo("503 5.5.1 Send EHLO first\r\n");
    }

    @Test
    void temporaryFailure() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH XOAUTH2 " + xoauth2("alice@example.com", "keycloak-down") + "\r\n"))
                .isEqualTo("454 4.7.0 Temporary authentication failure\r\n");
        // a temporary failure does not use up the one AUTH of the session
        assertThat(d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("235 2.7.0 Authentication successful\r\n");
    }

    @Test
    void longTokenOnTheAuthLineIsAccepted() {
        String longToken = SmtpDriver.jwt("x".repeat(2000));
        SmtpDriver d = SmtpDriver.submission().secured();
        String line = "AUTH XOAUTH2 " + xoauth2("alice@example.com", longToken) + "\r\n";
        assertThat(line.length()).isGreaterThan(2500);
        assertThat(d.send(line)).startsWith("334 "); // unknown token: refused, but the line was read
        assertThat(d.credentials).hasSize(1);
    }

    @Test
    void longSaslResponseIsAccepted() {
        String longToken = SmtpDriver.jwt("y".repeat(3000));
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH OAUTHBEARER\r\n");
        d.send(oauthBearer("alice@example.com", longToken) + "\r\n");
        assertThat(d.credentials)
                .containsExactly(new Credential.BearerToken(longToken, Optional.of("alice@example.com")));
    }

    @Test
    void authLineOverTheAuthLimitIsRefused() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("AUTH PLAIN " + "A".repeat(13000) + "\r\n")).isEqualTo("500 5.5.2 Line too long\r\n");
        d.send("AUTH PLAIN\r\n");
        assertThat(d.send("A".repeat(13000) + "\r\n")).isEqualTo("500 5.5.2 Line too long\r\n");
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
        assertThat(d.credentials).isEmpty();
    }

    @Test
    void pipelinedCommandsWaitForTheVerifier() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.autoComplete = false;
        String replies = d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(replies).isEmpty();
        assertThat(d.session.awaiting()).isTrue();
        assertThat(d.send("RCPT TO:<bob@example.net>\r\n")).isEmpty();
        String after = d.handle(d.session.authCompleted(new AuthResult.Success(SmtpDriver.alice())));
        assertThat(after)
                .isEqualTo("235 2.7.0 Authentication successful\r\n"
                        + "250 2.1.0 Sender <alice@example.com> OK\r\n"
                        + "250 2.1.5 Recipient <bob@example.net> OK\r\n");
    }

    @Test
    void noSecretsInRepliesOrAudit() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH PLAIN " + b64("\0alice\0wrong-password") + "\r\n");
        d.send("AUTH XOAUTH2 " + xoauth2("alice@example.com", "secret-token") + "\r\n\r\n");
        d.send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n");
        String all = d.actions.toString();
        assertThat(all)
                .doesNotContain("wrong-password")
                .doesNotContain("secret-token")
                .doesNotContain("s3cret");
    }
}
