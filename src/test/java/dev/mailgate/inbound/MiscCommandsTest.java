package dev.mailgate.inbound;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MiscCommandsTest {

    private static SmtpDriver greeted() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\n");
        return d;
    }

    @Test
    void rsetClearsTheTransactionButKeepsAuthentication() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("RSET\r\n")).isEqualTo("250 2.0.0 Flushed\r\n");
        assertThat(d.send("DATA\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\n"))
                .isEqualTo("250 2.1.0 Sender <alice@example.com> OK\r\n");
    }

    @Test
    void noop() {
        assertThat(greeted().send("NOOP\r\nNOOP anything\r\n")).isEqualTo("250 2.0.0 OK\r\n250 2.0.0 OK\r\n");
    }

    @Test
    void quitClosesAndIgnoresTheRest() {
        SmtpDriver d = greeted();
        assertThat(d.send("QUIT\r\nNOOP\r\n")).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(d.closedAction()).isTrue();
        assertThat(d.session.closed()).isTrue();
        assertThat(d.send("NOOP\r\n")).isEmpty();
    }

    @Test
    void vrfy() {
        assertThat(greeted().send("VRFY bob\r\n")).isEqualTo("252 2.5.0 Cannot VRFY user, but will accept message\r\n");
    }

    @Test
    void help() {
        assertThat(greeted().send("HELP\r\n")).startsWith("214 2.0.0 ");
    }

    @Test
    void unknownCommand() {
        SmtpDriver d = greeted();
        assertThat(d.send("EXPN staff\r\n")).isEqualTo("500 5.5.1 Command unrecognized\r\n");
        assertThat(d.send("\r\n")).isEqualTo("500 5.5.1 Command unrecognized\r\n");
        assertThat(d.send("GET / HTTP/1.1\r\n")).isEqualTo("500 5.5.1 Command unrecognized\r\n");
    }

    @Test
    void tooManyErrorsCloses() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxInvalidCommands(3));
        d.start();
        assertThat(d.send("FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n"))
                .isEqualTo("500 5.5.1 Command unrecognized\r\n"
                        + "500 5.5.1 Command unrecognized\r\n"
                        + "500 5.5.1 Command unrecognized\r\n"
                        + "421 4.7.0 Too many errors, closing connection\r\n");
        assertThat(d.closedAction()).isTrue();
    }

    @Test
    void idleTimeout() {
        SmtpDriver d = greeted();
        assertThat(d.handle(d.session.idleTimeout()))
                .isEqualTo("421 4.4.2 mx.mailgate.test Idle timeout, closing connection\r\n");
        assertThat(d.closedAction()).isTrue();
        assertThat(d.session.closed()).isTrue();
    }

    @Test
    void idleTimeoutDuringData() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\nSubject: half\r\n");
        assertThat(d.handle(d.session.idleTimeout())).startsWith("421 4.4.2 ");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void connectionIsAudited() {
        SmtpDriver d = greeted();
        assertThat(d.auditText()).contains("smtp.connect client=203.0.113.5 door=587");
    }

    @Test
    void completionAfterIdleTimeoutSaysNothing() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.autoComplete = false;
        d.send("DATA\r\nx\r\n.\r\n");
        d.handle(d.session.idleTimeout());
        assertThat(d.handle(d.session.submissionCompleted(new dev.mailgate.submission.SubmissionOutcome.Accepted(
                        d.submits.get(0).id()))))
                .isEmpty();
    }

    @Test
    void unexpectedCompletionIsAProgrammingError() {
        SmtpDriver d = greeted();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> d.session.authCompleted(new AuthResult.TemporaryFailure("x")))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.session.tlsStarted(SmtpDriver.TLS))
                .isInstanceOf(IllegalStateException.class);
    }
}
