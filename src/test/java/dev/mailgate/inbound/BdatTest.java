package dev.mailgate.inbound;

import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BdatTest {

    @Test
    void singleLastChunk() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        String reply = d.send("BDAT 14 LAST\r\nSubject: x\r\n\r\n");
        UUID id = d.submits.get(0).id();
        assertThat(reply).isEqualTo("250 2.0.0 OK queued as " + id + "\r\n");
        assertThat(d.lastBody()).isEqualTo("Subject: x\r\n\r\n");
    }

    @Test
    void severalChunksAreJoinedWithoutDotProcessing() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("BDAT 8\r\nHello\r\n.")).isEqualTo("250 2.0.0 8 octets received\r\n");
        assertThat(d.send("BDAT 9 LAST\r\n\r\n..World")).startsWith("250 2.0.0 OK queued as ");
        assertThat(d.lastBody()).isEqualTo("Hello\r\n.\r\n..World");
    }

    @Test
    void chunkContainingWhatLooksLikeCommandsIsData() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        String chunk = "QUIT\r\nRSET\r\n";
        assertThat(d.send("BDAT " + chunk.length() + " LAST\r\n" + chunk)).startsWith("250 2.0.0 OK queued as ");
        assertThat(d.lastBody()).isEqualTo(chunk);
        assertThat(d.session.closed()).isFalse();
    }

    @Test
    void zeroLengthLastChunk() {
        SmtpDriver e = SmtpDriver.submission().inTransaction();
        e.send("BDAT 4\r\nab\r\n");
        assertThat(e.send("BDAT 0 LAST\r\n")).startsWith("250 2.0.0 OK queued as ");
        assertThat(e.lastBody()).isEqualTo("ab\r\n");
    }

    @Test
    void withoutRecipientsTheChunkIsStillConsumed() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        d.send("MAIL FROM:<alice@example.com>\r\n");
        assertThat(d.send("BDAT 12 LAST\r\nNOOP\r\nQUIT\r\nNOOP\r\n"))
                .isEqualTo("503 5.5.1 Need RCPT command first\r\n250 2.0.0 OK\r\n");
        assertThat(d.submits).isEmpty();
        assertThat(d.session.closed()).isFalse();
    }

    @Test
    void withoutMailTheChunkIsStillConsumed() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        assertThat(d.send("BDAT 6\r\nQUIT\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
        assertThat(d.session.closed()).isFalse();
    }

    @Test
    void beforeTlsTheChunkIsStillConsumed() {
        SmtpDriver d = SmtpDriver.submission();
        d.start();
        d.send("EHLO x\r\n");
        assertThat(d.send("BDAT 6\r\nQUIT\r\n")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(d.session.closed()).isFalse();
    }

    @Test
    void beforeAuthTheChunkIsStillConsumed() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("BDAT 6 LAST\r\nQUIT\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
        assertThat(d.session.closed()).isFalse();
    }

    @Test
    void badSyntax() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("BDAT\r\n")).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]\r\n");
        assertThat(d.send("BDAT -1\r\n")).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]\r\n");
        assertThat(d.send("BDAT 10 FIRST\r\n")).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]\r\n");
    }

    @Test
    void dataAfterBdatIsRefused() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("BDAT 3\r\nabc");
        assertThat(d.send("DATA\r\n")).isEqualTo("503 5.5.1 DATA not allowed after BDAT\r\n");
        assertThat(d.send("RCPT TO:<carol@example.net>\r\n"))
                .isEqualTo("503 5.5.1 Recipients must come before BDAT\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void rsetDropsChunksReceivedSoFar() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("BDAT 3\r\nabcRSET\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\n");
        d.send("BDAT 3 LAST\r\nxyz");
        assertThat(d.lastBody()).isEqualTo("xyz");
    }

    @Test
    void sizeLimitAcrossChunks() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxMessageSize(10)).inTransaction();
        assertThat(d.send("BDAT 8\r\n12345678")).isEqualTo("250 2.0.0 8 octets received\r\n");
        assertThat(d.send("BDAT 8\r\n12345678"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
        assertThat(d.send("BDAT 2 LAST\r\nab"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
        assertThat(d.submits).isEmpty();
        assertThat(d.send("NOOP\r\n")).isEqualTo("250 2.0.0 OK\r\n");
    }

    @Test
    void hugeChunkIsCountedNotBuffered() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxMessageSize(1000)).inTransaction();
        d.send("BDAT 3000000 LAST\r\n");
        byte[] block = new byte[100_000];
        java.util.Arrays.fill(block, (byte) 'a');
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            replies.append(d.send(block));
        }
        assertThat(replies.toString()).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
    }

    @Test
    void bareLfInAChunkIsRefusedAtLast() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("BDAT 3\r\na\nb")).isEqualTo("250 2.0.0 3 octets received\r\n");
        assertThat(d.send("BDAT 2 LAST\r\n\r\n"))
                .isEqualTo("550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void crlfSplitAcrossChunksIsFine() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("BDAT 2\r\na\r");
        assertThat(d.send("BDAT 1 LAST\r\n\n")).startsWith("250 2.0.0 OK queued as ");
        assertThat(d.lastBody()).isEqualTo("a\r\n");
    }

    @Test
    void messageEndingInBareCrIsRefused() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("BDAT 2 LAST\r\na\r")).startsWith("550 5.6.0 ");
    }

    @Test
    void longLineInChunksIsRefused() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        String line = "x".repeat(1001) + "\r\n";
        assertThat(d.send("BDAT " + line.length() + " LAST\r\n" + line))
                .isEqualTo("554 5.6.0 Message contains a line longer than 1000 octets\r\n");
    }

    @Test
    void binaryChunkByteByByte() {
        SmtpDriver d = SmtpDriver.submission().byteByByte().inTransaction();
        assertThat(d.send("BDAT 5 LAST\r\n\r\n.\r\n")).startsWith("250 2.0.0 OK queued as ");
        assertThat(d.lastBody()).isEqualTo("\r\n.\r\n");
    }
}
