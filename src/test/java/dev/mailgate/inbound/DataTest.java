package dev.mailgate.inbound;

import dev.mailgate.mail.Refusal;
import dev.mailgate.submission.SubmissionOutcome;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataTest {

    @Test
    void messageIsSubmittedAndQueued() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA\r\n")).isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n");
        String reply = d.send("Subject: hi\r\n\r\nHello\r\n.\r\n");
        UUID id = d.submits.get(0).id();
        assertThat(reply).isEqualTo("250 2.0.0 OK queued as " + id + "\r\n");
        assertThat(d.lastBody()).isEqualTo("Subject: hi\r\n\r\nHello\r\n");
        assertThat(d.submits.get(0).identity().principal()).isEqualTo("alice");
        assertThat(d.submits.get(0).envelope().sender()).isEqualTo("alice@example.com");
    }

    @Test
    void dotUnstuffing() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\n..leading dot\r\n...\r\n.x\r\nend.\r\n.\r\n");
        assertThat(d.lastBody()).isEqualTo(".leading dot\r\n..\r\nx\r\nend.\r\n");
    }

    @Test
    void emptyMessage() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\n.\r\n");
        assertThat(d.submits).hasSize(1);
        assertThat(d.lastBody()).isEmpty();
    }

    @Test
    void eightBitAndBinaryOctetsArePreservedExactly() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\n");
        byte[] body = {'a', (byte) 0xC3, (byte) 0xA9, 0, (byte) 0xFF, '\r', '\n'};
        d.send(body);
        d.send(".\r\n");
        byte[] message = d.submits.get(0).message();
        byte[] tail = java.util.Arrays.copyOfRange(message, message.length - body.length, message.length);
        assertThat(tail).isEqualTo(body);
    }

    @Test
    void largeMessageNearTheLimit() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\n");
        byte[] block = ("y".repeat(78) + "\r\n").repeat(12_800).getBytes(); // 1 MiB
        long started = System.nanoTime();
        for (int i = 0; i < 24; i++) {
            d.send(block);
        }
        assertThat(d.send(".\r\n")).startsWith("250 2.0.0 OK queued as ");
        assertThat(d.lastBody()).hasSize(24 * block.length);
        assertThat(System.nanoTime() - started).isLessThan(10_000_000_000L);
    }

    @Test
    void noRecipients() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        d.send("MAIL FROM:<alice@example.com>\r\n");
        assertThat(d.send("DATA\r\n")).isEqualTo("554 5.5.1 No valid recipients\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void noTransaction() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        assertThat(d.send("DATA\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    }

    @Test
    void dataWithArguments() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA now\r\n")).isEqualTo("501 5.5.4 Syntax: DATA (no parameters)\r\n");
    }

    @Test
    void storeRefusalIsRelayed() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.store = s -> new SubmissionOutcome.Refused(Refusal.storeUnavailable());
        assertThat(d.send("DATA\r\nx\r\n.\r\n"))
                .isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n"
                        + "451 4.3.0 Temporary failure storing the message, try again later\r\n");
        assertThat(d.auditText()).contains("smtp.refused").contains("451 4.3.0");
    }

    @Test
    void transactionResetsAfterTheMessageButAuthenticationStays() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\nx\r\n.\r\n");
        assertThat(d.send("RCPT TO:<bob@example.net>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
        assertThat(d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\ny\r\n.\r\n"))
                .endsWith("250 2.0.0 OK queued as " + d.submits.get(1).id() + "\r\n");
        assertThat(d.submits.get(1).envelope().recipients())
                .extracting(r -> r.address())
                .containsExactly("carol@example.net");
    }

    @Test
    void pipelinedTransactionsWaitForTheStore() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        d.autoComplete = false;
        String reply = d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\none\r\n.\r\n"
                + "MAIL FROM:<alice@example.com>\r\nRCPT TO:<carol@example.net>\r\n");
        assertThat(reply).endsWith("354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(d.submits).hasSize(1);
        assertThat(d.session.awaiting()).isTrue();
        String after = d.handle(d.session.submissionCompleted(
                new SubmissionOutcome.Accepted(d.submits.get(0).id())));
        assertThat(after)
                .isEqualTo("250 2.0.0 OK queued as " + d.submits.get(0).id() + "\r\n"
                        + "250 2.1.0 Sender <alice@example.com> OK\r\n"
                        + "250 2.1.5 Recipient <carol@example.net> OK\r\n");
    }

    @Test
    void messageOverTheSizeLimitIsConsumedAndRefused() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxMessageSize(100)).inTransaction();
        d.send("DATA\r\n");
        String reply = d.send(("x".repeat(60) + "\r\n").repeat(5) + ".\r\nNOOP\r\n");
        assertThat(reply).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 OK\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void messageExactlyAtTheLimitIsAccepted() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxMessageSize(10)).inTransaction();
        assertThat(d.send("DATA\r\n12345678\r\n.\r\n")).contains("250 2.0.0 OK queued as");
    }

    @Test
    void textLineOver1000OctetsIsRefused() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        String reply = d.send("DATA\r\n" + "x".repeat(999) + "\r\n.\r\n");
        assertThat(reply).endsWith("554 5.6.0 Message contains a line longer than 1000 octets\r\n");
        assertThat(d.submits).isEmpty();
    }

    @Test
    void textLineOfExactly1000OctetsIsAccepted() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA\r\n" + "x".repeat(998) + "\r\n.\r\n")).contains("250 2.0.0 OK queued as");
    }

    @Test
    void stuffedDotCountsTowardsTheWireLineLength() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        assertThat(d.send("DATA\r\n." + "x".repeat(998) + "\r\n.\r\n"))
                .endsWith("554 5.6.0 Message contains a line longer than 1000 octets\r\n");
    }

    @Test
    void receivedHeaderIsPrepended() {
        SmtpDriver d = SmtpDriver.submission().inTransaction();
        d.send("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n");
        UUID id = d.submits.get(0).id();
        assertThat(d.lastMessage())
                .isEqualTo("Received: from client.example ([203.0.113.5])\r\n"
                        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
                        + "\t(authenticated as alice)\r\n"
                        + "\tby mx.mailgate.test (mailgate)\r\n"
                        + "\twith ESMTPSA id " + id + "\r\n"
                        + "\tfor <bob@example.net>; Tue, 5 Mar 2024 10:00:00 +0000\r\n"
                        + "Subject: x\r\n\r\nbody\r\n");
    }

    @Test
    void receivedHeaderForSeveralRecipientsAndSmtpUtf8() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        d.send(
                "MAIL FROM:<alice@example.com> SMTPUTF8\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\n");
        UUID id = d.submits.get(0).id();
        assertThat(d.lastMessage())
                .contains("\twith UTF8SMTPSA id " + id + ";\r\n" + "\tTue, 5 Mar 2024 10:00:00 +0000\r\nx\r\n");
        for (String line : d.lastMessage().split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void longRecipientPutsTheDateOnItsOwnLine() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        String rcpt = "a-rather-long-recipient-name@subdomain.example.net";
        d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<" + rcpt + ">\r\nDATA\r\nx\r\n.\r\n");
        assertThat(d.lastMessage()).contains("\tfor <" + rcpt + ">;\r\n\tTue, 5 Mar 2024 10:00:00 +0000\r\nx\r\n");
    }

    @Test
    void receivedHeaderOnImplicitTlsWithIpv6Client() {
        SmtpDriver d = new SmtpDriver(
                SessionSettings.submissions(SmtpDriver.HOST),
                new SessionContext(
                        "2001:db8::1",
                        dev.mailgate.mail.Door.SMTP_IMPLICIT_TLS,
                        SmtpDriver.CLOCK,
                        () -> new UUID(7, 7),
                        java.util.Optional.of(new TlsInfo("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
                        SmtpDriver.PLENTY));
        d.start();
        d.send("EHLO [IPv6:2001:db8::1]\r\nAUTH PLAIN " + SmtpDriver.b64("\0alice\0s3cret") + "\r\n"
                + "MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nx\r\n.\r\n");
        assertThat(d.submits.get(0).id()).isEqualTo(new UUID(7, 7));
        assertThat(d.lastMessage())
                .startsWith("Received: from [IPv6:2001:db8::1] ([IPv6:2001:db8::1])\r\n"
                        + "\t(using TLSv1.2 with cipher TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)\r\n");
    }
}
