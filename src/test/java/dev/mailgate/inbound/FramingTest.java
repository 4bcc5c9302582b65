package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static dev.mailgate.inbound.SmtpDriver.b64;
import static org.assertj.core.api.Assertions.assertThat;

class FramingTest {

    private static SmtpDriver greeted() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO client.example\r\n");
        return d;
    }

    @Test
    void commandLineOfExactly512OctetsIsAccepted() {
        String line = "NOOP " + "x".repeat(512 - 7) + "\r\n";
        assertThat(line).hasSize(512);
        assertThat(greeted().send(line)).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void commandLineOf513OctetsIsRefused() {
        String line = "NOOP " + "x".repeat(513 - 7) + "\r\n";
        assertThat(greeted().send(line)).isEqualTo("500 5.5.2 Line too long\r\n");
    }

    @Test
    void hugeLineIsConsumedThroughItsEnd() {
        SmtpDriver d = greeted();
        StringBuilder replies = new StringBuilder();
        replies.append(d.send("MAIL FROM:<"));
        for (int i = 0; i < 100; i++) {
            replies.append(d.send("a".repeat(10_000)));
        }
        replies.append(d.send(">\r\nNOOP\r\n"));
        assertThat(replies.toString()).isEqualTo("500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
    }

    @Test
    void longNonAuthLineWithinTheAuthLimitIsStillTooLong() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        assertThat(d.send("MAIL FROM:<alice@example.com> ENVID=" + "x".repeat(5000) + "\r\n"))
                .isEqualTo("500 5.5.2 Line too long\r\n");
    }

    @Test
    void bareLfCommandLineIsRefused() {
        SmtpDriver d = greeted();
        assertThat(d.send("NOOP\n")).isEqualTo("500 5.5.2 Bare CR or LF received; lines must end with CRLF\r\n");
        assertThat(d.send("NO\rOP\r\n")).isEqualTo("500 5.5.2 Bare CR or LF received; lines must end with CRLF\r\n");
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void partialLineWaitsForItsEnd() {
        SmtpDriver d = greeted();
        assertThat(d.send("NO")).isEmpty();
        assertThat(d.send("OP\r")).isEmpty();
        assertThat(d.send("\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void afterCloseNothingIsProcessed() {
        SmtpDriver d = greeted();
        d.send("QUIT\r\n");
        assertThat(d.send("NOOP\r\n")).isEmpty();
        assertThat(d.handle(d.session.idleTimeout())).isEmpty();
    }

    /** A whole session: STARTTLS, AUTH, DATA, BDAT, errors. */
    private static final String[] SCRIPT = {
        "EHLO client.example\r\nSTARTTLS\r\n",
        // (handshake here)
        "EHLO client.example\r\nAUTH LOGIN\r\n" + b64("alice") + "\r\n" + b64("s3cret") + "\r\n"
                + "MAIL FROM:<alice@example.com> BODY=8BITMIME\r\nRCPT TO:<bob@example.net> NOTIFY=FAILURE\r\n"
                + "RCPT TO:<carol@example.org>\r\nFOO\r\nDATA\r\nSubject: one\r\n\r\n..dots\r\nbody\r\n.\r\n"
                + "MAIL FROM:<alice@example.com>\r\nRCPT TO:<dave@example.net>\r\nBDAT 10\r\nline one\r\nBDAT 7 LAST\r\n\r\n.\r\nok"
                + "MAIL FROM:<alice@example.com>\r\nRCPT TO:<eve@example.net>\r\nDATA\r\nbad\n.\nMAIL FROM:<x@y>\r\n.\r\n"
                + "NOOP " + "z".repeat(600) + "\r\nQUIT\r\n"
    };

    private static List<String> run(int mode, long seed) {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        Random random = new Random(seed);
        for (int part = 0; part < SCRIPT.length; part++) {
            byte[] bytes = SCRIPT[part].getBytes(StandardCharsets.UTF_8);
            int i = 0;
            while (i < bytes.length) {
                int n = mode == 0 ? bytes.length : mode == 1 ? 1 : 1 + random.nextInt(Math.min(40, bytes.length - i));
                n = Math.min(n, bytes.length - i);
                d.handle(d.session.receive(bytes, i, n));
                i += n;
            }
            if (part == 0) {
                d.tls();
            }
        }
        List<String> trace = new ArrayList<>();
        for (SessionAction a : d.actions) {
            if (a instanceof SessionAction.Submit s) {
                trace.add("SUBMIT " + s.id() + " " + s.envelope() + "\n"
                        + new String(s.message(), StandardCharsets.UTF_8));
            } else {
                trace.add(a.toString());
            }
        }
        return trace;
    }

    @Test
    void anyChunkingGivesTheSameConversation() {
        List<String> whole = run(0, 0);
        assertThat(String.join("\n", whole))
                .contains("Reply[text=235 2.7.0 Authentication successful")
                .contains("SUBMIT 00000000-0000-0000-0000-000000000001")
                .contains("Subject: one\r\n\r\n.dots\r\nbody\r\n")
                .contains("line one\r\n\r\n.\r\nok")
                .contains("Reply[text=550 5.6.0 Message contains bare CR or LF")
                .contains("Reply[text=500 5.5.1 Command unrecognized")
                .contains("Reply[text=500 5.5.2 Line too long")
                .contains("Reply[text=221 2.0.0 Bye");
        assertThat(whole.stream().filter(s -> s.startsWith("SUBMIT"))).hasSize(2);
        assertThat(run(1, 0)).isEqualTo(whole);
        for (long seed = 1; seed <= 25; seed++) {
            assertThat(run(2, seed)).as("seed " + seed).isEqualTo(whole);
        }
    }
}
