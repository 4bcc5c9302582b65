package dev.mailgate.inbound;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP smuggling (CVE-2023-51764 class): a second message hidden behind a non-standard end of data.
 * Only CRLF "." CRLF ends DATA; any bare CR or LF makes the whole message invalid, and the hidden
 * "commands" must never run.
 */
class SmugglingTest {
    private static final String HIDDEN = "MAIL FROM:<alice@example.com>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
            + "From: ceo@bank.example\r\n\r\nsmuggled\r\n";

    static Stream<Arguments> fakeEnds() {
        return Stream.of(
                Arguments.of("LF.LF", "\n.\n"),
                Arguments.of("CR.CR", "\r.\r"),
                Arguments.of("CRLF.LF", "\r\n.\n"),
                Arguments.of("LF.CRLF", "\n.\r\n"),
                Arguments.of("CRLF.CR", "\r\n.\r"),
                Arguments.of("CR.LF", "\r.\n"),
                Arguments.of("LF.CR", "\n.\r"),
                Arguments.of("CR.CRLF", "\r.\r\n"),
                Arguments.of("CRLF.CRCRLF", "\r\n.\r\r\n"),
                Arguments.of("LFLF.CRLF", "\n\n.\r\n"),
                Arguments.of("CRLF..LF", "\r\n..\n"),
                Arguments.of("CRLF.NULCRLF", "\r\n.\0\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakeEnds")
    void fakeEndDoesNotEndTheMessage(String name, String fakeEnd) {
        for (boolean byteByByte : new boolean[] {false, true}) {
            SmtpDriver d = SmtpDriver.submission().inTransaction();
            d.byteByByte = byteByByte;
            d.send("DATA\r\n");
            String reply = d.send("Subject: hi\r\n\r\nfirst" + fakeEnd + HIDDEN);
            if (!name.equals("CRLF.NULCRLF")) {
                assertThat(reply)
                        .as("nothing may be answered before the real end")
                        .isEmpty();
            }
            String end = d.send("\r\n.\r\n");
            if (name.equals("CRLF.NULCRLF")) {
                // no bare newline: an ordinary (odd) message, but still ONE message
                assertThat(d.submits).hasSize(1);
                assertThat(d.lastBody()).contains("\0").contains("smuggled");
                continue;
            }
            assertThat(end).isEqualTo("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
            assertThat(d.submits).isEmpty();
            assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
            assertThat(d.send("RCPT TO:<x@example.net>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakeEnds")
    void fakeEndSplitAtEveryPosition(String name, String fakeEnd) {
        if (name.equals("CRLF.NULCRLF")) {
            return;
        }
        String stream = "DATA\r\nfirst" + fakeEnd + HIDDEN + "\r\n.\r\n";
        byte[] bytes = stream.getBytes();
        for (int split = 1; split < bytes.length; split++) {
            SmtpDriver d = SmtpDriver.submission().inTransaction();
            String reply = d.handle(d.session.receive(bytes, 0, split))
                    + d.handle(d.session.receive(bytes, split, bytes.length - split));
            assertThat(reply)
                    .as("split at " + split)
                    .isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n"
                            + "550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
            assertThat(d.submits).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakeEnds")
    void fakeEndInsideBdatChunks(String name, String fakeEnd) {
        if (name.equals("CRLF.NULCRLF")) {
            return;
        }
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        String first = "first" + fakeEnd;
        String second = HIDDEN;
        assertThat(d.send("BDAT " + first.length() + "\r\n" + first)).startsWith("250 2.0.0 ");
        assertThat(d.send("BDAT " + second.length() + " LAST\r\n" + second))
                .isEqualTo("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
        assertThat(d.submits).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void bareCrBeforeARealEndStillEndsThereButRefusesTheMessage() {
        // "\r\r\n.\r\n" contains a genuine CRLF.CRLF: the message ends there (like every RFC server would)
        // and is refused for its bare CR; what follows is the client's own next command, not hidden data
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA\r\nfirst\r\r\n.\r\nNOOP\r\n"))
                .isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n"
                        + "550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n250 2.0.0 OK\r\n");
        assertThat(d.submits).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void bareLfInAnOrdinaryLineIsRefusedToo() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA\r\nSubject: a\nBcc: x\r\n\r\nbody\r\n.\r\n"))
                .endsWith("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
        assertThat(d.submits).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theRealEndAfterABareNewlineStillEndsTheMessage() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\nx\ny\r\n.\r\nNOOP\r\n");
        assertThat(d.actions)
                .filteredOn(a -> a instanceof SessionAction.Reply)
                .extracting(a -> ((SessionAction.Reply) a).text())
                .endsWith("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n", "250 2.0.0 OK\r\n");
    }
}
