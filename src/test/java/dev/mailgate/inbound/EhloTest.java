package dev.mailgate.inbound;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EhloTest {

    @Test
    void greetingNamesTheHost() {
        assertThat(SmtpDriver.submission().start()).isEqualTo("220 mx.mailgate.test ESMTP mailgate\r\n");
    }

    @Test
    void ehloBeforeTlsOffersStartTlsButNotAuth() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        assertThat(d.send("EHLO client.example\r\n"))
                .isEqualTo("250-mx.mailgate.test Hello client.example\r\n"
                        + "250-PIPELINING\r\n"
                        + "250-SIZE 26214400\r\n"
                        + "250-8BITMIME\r\n"
                        + "250-SMTPUTF8\r\n"
                        + "250-ENHANCEDSTATUSCODES\r\n"
                        + "250-CHUNKING\r\n"
                        + "250-DSN\r\n"
                        + "250 STARTTLS\r\n");
    }

    @Test
    void ehloAfterStartTlsOffersAuthButNotStartTls() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\nSTARTTLS\r\n");
        d.tls();
        String reply = d.send("EHLO client.example\r\n");
        assertThat(reply)
                .contains("250-PIPELINING\r\n")
                .doesNotContain("STARTTLS")
                .endsWith("250 AUTH OAUTHBEARER XOAUTH2 PLAIN LOGIN\r\n");
    }

    @Test
    void implicitTlsSessionOffersAuthAtOnce() {
        SmtpDriver d = SmtpDriver.submissions();
        assertThat(d.start()).isEqualTo("220 mx.mailgate.test ESMTP mailgate\r\n");
        assertThat(d.send("EHLO client.example\r\n"))
                .doesNotContain("STARTTLS")
                .contains("250-SIZE 26214400\r\n")
                .endsWith("250 AUTH OAUTHBEARER XOAUTH2 PLAIN LOGIN\r\n");
    }

    @Test
    void sizeFollowsTheSettings() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submissions(SmtpDriver.HOST).withMaxMessageSize(1000));
        d.start();
        assertThat(d.send("EHLO x\r\n")).contains("250-SIZE 1000\r\n");
    }

    @Test
    void heloWorksWithoutExtensions() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        assertThat(d.send("HELO client.example\r\n")).isEqualTo("250 mx.mailgate.test\r\n");
    }

    @Test
    void ehloWithoutNameIsASyntaxError() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        assertThat(d.send("EHLO\r\n")).isEqualTo("501 5.5.4 Syntax: EHLO hostname\r\n");
        assertThat(d.send("HELO \r\n")).isEqualTo("501 5.5.4 Syntax: HELO hostname\r\n");
    }

    @Test
    void commandsAreCaseInsensitive() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        assertThat(d.send("ehlo client.example\r\n")).startsWith("250-mx.mailgate.test Hello client.example\r\n");
        assertThat(d.send("nOoP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void ehloAbortsTheTransaction() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("EHLO again.example\r\n");
        assertThat(d.send("RCPT TO:<carol@example.net>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    }
}
