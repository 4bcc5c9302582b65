package dev.mailgate.inbound;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartTlsTest {

    @Test
    void startTlsRepliesThenAsksForTheHandshake() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\n");
        List<SessionAction> actions = d.session.receive("STARTTLS\r\n".getBytes(), 0, 10);
        assertThat(actions)
                .filteredOn(a -> !(a instanceof SessionAction.Audit))
                .containsExactly(
                        new SessionAction.Reply("220 2.0.0 Ready to start TLS\r\n"), new SessionAction.StartTls());
        assertThat(d.session.awaiting()).isTrue();
        assertThat(d.session.tlsStarted(SmtpDriver.TLS))
                .containsExactly(
                        new SessionAction.Audit("tls.started", "client=203.0.113.5 TLSv1.3 TLS_AES_256_GCM_SHA384"));
    }

    @Test
    void pipelinedCommandsAfterStartTlsAreDiscarded() {
        // CVE-2011-0411: the plaintext "injected" commands must not run inside the TLS session
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\n");
        String reply = d.send("STARTTLS\r\nRSET\r\nNOOP\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(reply).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThat(d.send("NOOP\r\nQUIT\r\n")).isEmpty(); // before the handshake: dropped too
        assertThat(d.tls()).isEmpty();
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void injectionDiscardedEvenByteByByte() {
        SmtpDriver d = SmtpDriver.submission().byteByByte();
        d.start();
        d.send("EHLO client.example\r\n");
        assertThat(d.send("STARTTLS\r\nNOOP\r\n")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        d.tls();
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void stateIsResetAfterTls() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\nSTARTTLS\r\n");
        d.tls();
        // no EHLO yet in the TLS session: AUTH needs it again
        assertThat(d.send("AUTH PLAIN " + SmtpDriver.b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("503 5.5.1 Send EHLO first\r\n");
    }

    @Test
    void startTlsTwiceIsRefused() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("STARTTLS\r\n")).isEqualTo("503 5.5.1 TLS already active\r\n");
    }

    @Test
    void startTlsOnImplicitTlsIsRefused() {
        SmtpDriver d = SmtpDriver.submissions();
        d.start();
        d.send("EHLO x\r\n");
        assertThat(d.send("STARTTLS\r\n")).isEqualTo("503 5.5.1 TLS already active\r\n");
    }

    @Test
    void startTlsWithArgumentsIsRefused() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO x\r\n");
        assertThat(d.send("STARTTLS now\r\n")).isEqualTo("501 5.5.4 Syntax: STARTTLS (no parameters)\r\n");
        assertThat(d.actions).noneMatch(a -> a instanceof SessionAction.StartTls);
    }

    @Test
    void beforeTlsOnlyHarmlessCommands() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO x\r\n");
        assertThat(d.send("AUTH PLAIN " + SmtpDriver.b64("\0alice\0s3cret") + "\r\n"))
                .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(d.send("RCPT TO:<bob@example.net>\r\n"))
                .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(d.send("DATA\r\n")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(d.send("NOOP\r\nRSET\r\nVRFY bob\r\n"))
                .isEqualTo(
                        "250 2.0.0 OK\r\n250 2.0.0 Flushed\r\n252 2.5.0 Cannot VRFY user, but will accept message\r\n");
        assertThat(d.credentials).isEmpty();
        assertThat(d.submits).isEmpty();
    }

    @Test
    void startTlsWithoutEhloIsAllowed() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        assertThat(d.send("STARTTLS\r\n")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    }
}
