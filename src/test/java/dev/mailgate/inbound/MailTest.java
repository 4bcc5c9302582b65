package dev.mailgate.inbound;

import org.junit.jupiter.api.Test;

import static dev.mailgate.inbound.SmtpDriver.b64;
import static org.assertj.core.api.Assertions.assertThat;

class MailTest {

    private static SmtpDriver authenticated() {
        return SmtpDriver.submission().authenticated();
    }

    @Test
    void ownedSenderIsAccepted() {
        assertThat(authenticated().send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
    }

    @Test
    void domainFromTheSendersClaimIsAccepted() {
        assertThat(authenticated().send("mail from:<anyone@EXAMPLE.org>\r\n"))
                .isEqualTo("250 2.1.0 Sender <anyone@EXAMPLE.org> OK\r\n");
    }

    @Test
    void spaceAfterColonIsTolerated() {
        assertThat(authenticated().send("MAIL FROM: <alice@example.com>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
    }

    @Test
    void sourceRouteIsIgnored() {
        assertThat(authenticated().send("MAIL FROM:<@relay.example:alice@example.com>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
    }

    @Test
    void allParametersAreAccepted() {
        SmtpDriver d = authenticated();
        assertThat(
                        d.send(
                                "MAIL FROM:<alice@example.com> SIZE=1000 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=abc+2Bdef AUTH=<>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
        d.send("RCPT TO:<bob@example.net>\r\nDATA\r\nHi\r\n.\r\n");
        assertThat(d.submits).hasSize(1);
        var envelope = d.submits.get(0).envelope();
        assertThat(envelope.sender()).isEqualTo("alice@example.com");
        assertThat(envelope.body()).contains("8BITMIME");
        assertThat(envelope.smtpUtf8()).isTrue();
        assertThat(envelope.ret()).contains("HDRS");
        assertThat(envelope.envid()).contains("abc+2Bdef");
    }

    @Test
    void beforeAuthenticationOnTls() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
    }

    @Test
    void beforeTls() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO x\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
    }

    @Test
    void afterAuthFailureStillRefused() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH PLAIN " + b64("\0alice\0bad") + "\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
    }

    @Test
    void identityWithoutSendRole() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.send("AUTH PLAIN " + b64("\0bob\0s3cret") + "\r\n");
        assertThat(d.send("MAIL FROM:<bob@example.com>\r\n"))
                .isEqualTo("550 5.7.1 bob is not authorized to send mail\r\n");
        assertThat(d.auditText()).contains("smtp.refused").contains("550 5.7.1");
    }

    @Test
    void senderNotOwned() {
        assertThat(authenticated().send("MAIL FROM:<ceo@bank.example>\r\n"))
                .isEqualTo("550 5.7.1 Sender address <ceo@bank.example> is not owned by alice\r\n");
    }

    @Test
    void nullSenderIsRefusedForSubmission() {
        assertThat(authenticated().send("MAIL FROM:<>\r\n"))
                .isEqualTo("550 5.7.1 Sender address <> is not owned by alice\r\n");
    }

    @Test
    void sizeOverTheLimit() {
        assertThat(authenticated().send("MAIL FROM:<alice@example.com> SIZE=26214401\r\n"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
    }

    @Test
    void unknownParameter() {
        assertThat(authenticated().send("MAIL FROM:<alice@example.com> FOO=bar\r\n"))
                .isEqualTo("555 5.5.4 Unsupported parameter FOO\r\n");
        assertThat(authenticated().send("MAIL FROM:<alice@example.com> BODY=BINARYMIME\r\n"))
                .isEqualTo("501 5.5.4 Syntax: BODY=7BIT|8BITMIME\r\n");
    }

    @Test
    void badParameterValues() {
        SmtpDriver d = authenticated();
        assertThat(d.send("MAIL FROM:<alice@example.com> SIZE=abc\r\n"))
                .isEqualTo("501 5.5.4 Syntax: SIZE=<octets>\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> RET=ALL\r\n"))
                .isEqualTo("501 5.5.4 Syntax: RET=FULL|HDRS\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> ENVID=a=b\r\n"))
                .isEqualTo("501 5.5.4 Syntax: ENVID=<xtext>\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> SMTPUTF8=yes\r\n"))
                .isEqualTo("501 5.5.4 Syntax: SMTPUTF8 takes no value\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> SIZE=1 SIZE=2\r\n"))
                .isEqualTo("501 5.5.4 Syntax error in parameters\r\n");
    }

    @Test
    void nestedMail() {
        SmtpDriver d = authenticated();
        d.send("MAIL FROM:<alice@example.com>\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n")).isEqualTo("503 5.5.1 Sender already specified\r\n");
    }

    @Test
    void syntaxErrors() {
        SmtpDriver d = authenticated();
        assertThat(d.send("MAIL alice@example.com\r\n"))
                .isEqualTo("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]\r\n");
        assertThat(d.send("MAIL FROM:alice@example.com\r\n")).isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com\r\n")).isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.send("MAIL FROM:<alice>\r\n")).isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.send("MAIL FROM:<alice@@example.com>\r\n")).isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.send("MAIL FROM:<al ice@example.com>\r\n")).isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>junk\r\n"))
                .isEqualTo("501 5.1.7 Bad sender address syntax\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void nonAsciiAddressNeedsSmtpUtf8() {
        SmtpDriver d = SmtpDriver.submission().secured();
        d.verifier = c -> new AuthResult.Success(new dev.mailgate.mail.Identity(
                "jörg",
                java.util.Optional.of("jörg@example.com"),
                java.util.List.of(),
                java.util.Set.of("mail-send"),
                "mail-send"));
        d.send("AUTH PLAIN " + b64("\0jörg\0pw") + "\r\n");
        assertThat(d.send("MAIL FROM:<jörg@example.com>\r\n"))
                .isEqualTo("553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n");
        assertThat(d.send("MAIL FROM:<jörg@example.com> SMTPUTF8\r\n"))
                .isEqualTo("250 2.1.0 Sender <jörg@example.com> OK\r\n");
    }

    @Test
    void parametersNeedEhlo() {
        SmtpDriver d = authenticated();
        d.send("HELO client.example\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com> SIZE=10\r\n")).isEqualTo("555 5.5.4 Parameters need EHLO\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
    }

    @Test
    void tooManyMessagesInOneSession() {
        SmtpDriver d = new SmtpDriver(
                        SessionSettings.submission(SmtpDriver.HOST).withMaxMessagesPerSession(2))
                .authenticated();
        for (int i = 0; i < 2; i++) {
            d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nx\r\n.\r\n");
        }
        assertThat(d.submits).hasSize(2);
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("421 4.7.0 Too many messages in this session, closing connection\r\n");
        assertThat(d.closedAction()).isTrue();
        assertThat(d.session.closed()).isTrue();
    }
}
