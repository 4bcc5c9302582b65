package dev.mailgate.inbound;

import dev.mailgate.mail.EnvelopeRecipient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RcptTest {

    private static SmtpDriver withSender() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        d.send("MAIL FROM:<alice@example.com>\r\n");
        return d;
    }

    @Test
    void recipientAccepted() {
        assertThat(withSender().send("RCPT TO:<bob@example.net>\r\n"))
                .isEqualTo("250 2.1.5 Recipient <bob@example.net> OK\r\n");
    }

    @Test
    void dsnParametersAreKept() {
        SmtpDriver d = withSender();
        assertThat(d.send("RCPT TO:<bob@example.net> NOTIFY=success,FAILURE ORCPT=rfc822;bob@example.net\r\n"))
                .isEqualTo("250 2.1.5 Recipient <bob@example.net> OK\r\n");
        d.send("RCPT TO:<carol@example.net> NOTIFY=NEVER\r\nDATA\r\nx\r\n.\r\n");
        assertThat(d.submits.get(0).envelope().recipients())
                .containsExactly(
                        new EnvelopeRecipient(
                                "bob@example.net",
                                Optional.of("SUCCESS,FAILURE"),
                                Optional.of("rfc822;bob@example.net")),
                        new EnvelopeRecipient("carol@example.net", Optional.of("NEVER"), Optional.empty()));
    }

    @Test
    void badDsnParameters() {
        SmtpDriver d = withSender();
        assertThat(d.send("RCPT TO:<bob@example.net> NOTIFY=NEVER,SUCCESS\r\n"))
                .isEqualTo("501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n");
        assertThat(d.send("RCPT TO:<bob@example.net> ORCPT=bob@example.net\r\n"))
                .isEqualTo("501 5.5.4 Syntax: ORCPT=addr-type;xtext\r\n");
        assertThat(d.send("RCPT TO:<bob@example.net> FOO\r\n")).isEqualTo("555 5.5.4 Unsupported parameter FOO\r\n");
    }

    @Test
    void needsMail() {
        SmtpDriver d = SmtpDriver.submission().authenticated();
        assertThat(d.send("RCPT TO:<bob@example.net>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    }

    @Test
    void needsAuthentication() {
        SmtpDriver d = SmtpDriver.submission().secured();
        assertThat(d.send("RCPT TO:<bob@example.net>\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
    }

    @Test
    void badSyntax() {
        SmtpDriver d = withSender();
        assertThat(d.send("RCPT TO:bob@example.net\r\n")).isEqualTo("501 5.1.3 Bad recipient address syntax\r\n");
        assertThat(d.send("RCPT TO:<>\r\n")).isEqualTo("501 5.1.3 Bad recipient address syntax\r\n");
        assertThat(d.send("RCPT TO:<postmaster>\r\n")).isEqualTo("501 5.1.3 Bad recipient address syntax\r\n");
        assertThat(d.send("RCPT TO:<bob@-bad-.example>\r\n")).isEqualTo("501 5.1.3 Bad recipient address syntax\r\n");
        assertThat(d.send("RCPT bob@example.net\r\n"))
                .isEqualTo("501 5.5.4 Syntax: RCPT TO:<address> [parameters]\r\n");
    }

    @Test
    void quotedLocalPartAndAddressLiteral() {
        SmtpDriver d = withSender();
        assertThat(d.send("RCPT TO:<\"john doe\"@example.net>\r\n"))
                .isEqualTo("250 2.1.5 Recipient <\"john doe\"@example.net> OK\r\n");
        assertThat(d.send("RCPT TO:<bob@[192.0.2.1]>\r\n")).isEqualTo("250 2.1.5 Recipient <bob@[192.0.2.1]> OK\r\n");
    }

    @Test
    void tooManyRecipients() {
        SmtpDriver d =
                new SmtpDriver(SessionSettings.submission(SmtpDriver.HOST).withMaxRecipients(2)).authenticated();
        d.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<b@example.net>\r\n");
        assertThat(d.send("RCPT TO:<c@example.net>\r\n")).isEqualTo("452 4.5.3 Too many recipients\r\n");
        d.send("DATA\r\nx\r\n.\r\n");
        assertThat(d.submits.get(0).envelope().recipients()).hasSize(2);
    }

    @Test
    void duplicateIsAcceptedOnce() {
        SmtpDriver d = withSender();
        d.send("RCPT TO:<bob@example.net>\r\n");
        assertThat(d.send("RCPT TO:<bob@EXAMPLE.net>\r\n")).startsWith("250 2.1.5 ");
        d.send("DATA\r\nx\r\n.\r\n");
        assertThat(d.submits.get(0).envelope().recipients()).hasSize(1);
    }

    @Test
    void nonAsciiRecipientNeedsSmtpUtf8() {
        SmtpDriver d = withSender();
        assertThat(d.send("RCPT TO:<josé@example.net>\r\n"))
                .isEqualTo("553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n");
        d.send("RSET\r\nMAIL FROM:<alice@example.com> SMTPUTF8\r\n");
        assertThat(d.send("RCPT TO:<josé@exämple.net>\r\n")).isEqualTo("250 2.1.5 Recipient <josé@exämple.net> OK\r\n");
    }
}
