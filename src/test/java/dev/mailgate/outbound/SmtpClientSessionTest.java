package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import dev.mailgate.outbound.SmtpClientSession.Action;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The client state machine driven by scripted server replies: no sockets. */
class SmtpClientSessionTest {

    private static final byte[] BODY = "Subject: hi\r\n\r\n.leading dot\r\nline\r\n".getBytes(StandardCharsets.UTF_8);

    private static OutboundMessage message(boolean utf8, String... rcpts) {
        List<OutboundMessage.Rcpt> list = new ArrayList<>();
        for (String r : rcpts) {
            list.add(OutboundMessage.Rcpt.of(r));
        }
        return new OutboundMessage("a@src.test", list, BODY, utf8, false, Optional.empty(), Optional.empty());
    }

    private static String sent(List<Action> actions) {
        StringBuilder sb = new StringBuilder();
        for (Action a : actions) {
            if (a instanceof SmtpClientSession.Send s) {
                sb.append(s.text());
            }
        }
        return sb.toString();
    }

    private static List<Action> lines(SmtpClientSession p, String... lines) {
        List<Action> all = new ArrayList<>();
        for (String l : lines) {
            all.addAll(p.onLine(l));
        }
        return all;
    }

    @Test
    void startTlsThenPipelinedTransactionWithMixedRecipientReplies() {
        SmtpClientSession p = new SmtpClientSession("out.mailgate.test", TlsPolicy.OPPORTUNISTIC);
        assertThat(sent(lines(p, "220 mx.test ESMTP"))).isEqualTo("EHLO out.mailgate.test\r\n");
        assertThat(sent(lines(p, "250-mx.test", "250-STARTTLS", "250 PIPELINING")))
                .isEqualTo("STARTTLS\r\n");
        assertThat(lines(p, "220 go ahead")).containsExactly(new SmtpClientSession.StartTls());
        assertThat(sent(p.tlsStarted())).isEqualTo("EHLO out.mailgate.test\r\n");
        List<Action> ready = lines(p, "250-mx.test", "250-PIPELINING", "250-8BITMIME", "250-SIZE 1000", "250 STARTTLS");
        assertThat(ready).containsExactly(new SmtpClientSession.Ready());
        assertThat(p.tlsActive()).isTrue();

        // pipelined: all commands in one write
        assertThat(sent(p.begin(message(false, "x@dst.test", "y@dst.test", "z@dst.test"))))
                .isEqualTo("MAIL FROM:<a@src.test> SIZE=" + BODY.length + "\r\nRCPT TO:<x@dst.test>\r\n"
                        + "RCPT TO:<y@dst.test>\r\nRCPT TO:<z@dst.test>\r\nDATA\r\n");
        assertThat(lines(p, "250 ok", "250 ok", "550 5.1.1 no such user")).isEmpty();
        List<Action> data = lines(p, "250 ok", "354 go");
        assertThat(sent(data)).isEqualTo("Subject: hi\r\n\r\n..leading dot\r\nline\r\n.\r\n");
        List<Action> done = lines(p, "250 2.0.0 queued");
        SmtpClientSession.TransactionDone result = (SmtpClientSession.TransactionDone) done.get(0);
        assertThat(result.results())
                .extracting(RecipientResult::address, RecipientResult::kind, RecipientResult::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("x@dst.test", RecipientResult.Kind.DELIVERED, "2.0.0"),
                        org.assertj.core.groups.Tuple.tuple("y@dst.test", RecipientResult.Kind.PERMANENT, "5.1.1"),
                        org.assertj.core.groups.Tuple.tuple("z@dst.test", RecipientResult.Kind.DELIVERED, "2.0.0"));
        assertThat(done.get(1)).isEqualTo(new SmtpClientSession.Ready());
        assertThat(p.ready()).isTrue(); // reusable for the next message
        assertThat(sent(p.quit())).isEqualTo("QUIT\r\n");
    }

    @Test
    void withoutPipeliningCommandsGoOneByOneAndTemporaryRcptIsDeferred() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.NONE);
        lines(p, "220 hi");
        assertThat(lines(p, "250-mx", "250 STARTTLS")).containsExactly(new SmtpClientSession.Ready());
        assertThat(sent(p.begin(message(false, "x@d.test")))).isEqualTo("MAIL FROM:<a@src.test>\r\n");
        assertThat(sent(lines(p, "250 ok"))).isEqualTo("RCPT TO:<x@d.test>\r\n");
        List<Action> after = lines(p, "451 4.7.1 try later");
        // nothing accepted: no DATA, the transaction ends and the session is reset
        assertThat(after.get(0)).isInstanceOf(SmtpClientSession.TransactionDone.class);
        assertThat(((SmtpClientSession.TransactionDone) after.get(0))
                        .results()
                        .get(0)
                        .kind())
                .isEqualTo(RecipientResult.Kind.TEMPORARY);
        assertThat(sent(after)).isEqualTo("RSET\r\n");
        assertThat(lines(p, "250 reset")).containsExactly(new SmtpClientSession.Ready());
    }

    @Test
    void smtpUtf8MessageToServerWithoutItFailsPermanentlyWith567WithoutSendingAnything() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.NONE);
        lines(p, "220 hi", "250-mx", "250 8BITMIME");
        List<Action> actions = p.begin(message(true, "x@d.test"));
        assertThat(sent(actions)).isEmpty();
        RecipientResult r =
                ((SmtpClientSession.TransactionDone) actions.get(0)).results().get(0);
        assertThat(r.kind()).isEqualTo(RecipientResult.Kind.PERMANENT);
        assertThat(r.status()).isEqualTo("5.6.7");
        assertThat(p.ready()).isTrue();
    }

    @Test
    void smtpUtf8IsRequestedWhenOfferedAndOversizeIsRefusedLocally() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.NONE);
        lines(p, "220 hi", "250-mx", "250-SMTPUTF8", "250 SIZE 10");
        List<Action> big = p.begin(message(false, "x@d.test"));
        assertThat(((SmtpClientSession.TransactionDone) big.get(0))
                        .results()
                        .get(0)
                        .status())
                .isEqualTo("5.3.4");
        SmtpClientSession q = new SmtpClientSession("h", TlsPolicy.NONE);
        lines(q, "220 hi", "250-mx", "250 SMTPUTF8");
        assertThat(sent(q.begin(message(true, "x@d.test")))).isEqualTo("MAIL FROM:<a@src.test> SMTPUTF8\r\n");
    }

    @Test
    void requiredTlsWithoutStartTlsIsASessionFailure() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.REQUIRED);
        lines(p, "220 hi");
        List<Action> a = lines(p, "250-mx", "250 PIPELINING");
        assertThat(sent(a)).isEqualTo("QUIT\r\n");
        assertThat(a).anySatisfy(x -> assertThat(x).isInstanceOf(SmtpClientSession.SessionFailed.class));
    }

    @Test
    void temporaryGreetingIsASessionFailureSoTheNextMxIsTried() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.OPPORTUNISTIC);
        List<Action> a = lines(p, "421-busy", "421 try another");
        SmtpClientSession.SessionFailed f = (SmtpClientSession.SessionFailed) a.get(1);
        assertThat(f.permanent()).isFalse();
    }

    @Test
    void pipelinedMailRefusalFailsAllRecipientsAndAnUnexpected354GetsAnEmptyEnd() {
        SmtpClientSession p = new SmtpClientSession("h", TlsPolicy.NONE);
        lines(p, "220 hi", "250-mx", "250 PIPELINING");
        p.begin(message(false, "x@d.test"));
        assertThat(lines(p, "550 5.7.1 sender refused", "503 5.5.1 no rcpt")).isEmpty();
        assertThat(sent(lines(p, "354 go"))).isEqualTo(".\r\n");
        List<Action> end = lines(p, "554 no valid recipients");
        RecipientResult r =
                ((SmtpClientSession.TransactionDone) end.get(0)).results().get(0);
        assertThat(r.kind()).isEqualTo(RecipientResult.Kind.PERMANENT);
        assertThat(r.reply()).contains("sender refused");
    }

    @Test
    void dotStuffingDoublesLeadingDotsAndTerminates() {
        assertThat(new String(SmtpClientSession.dotStuff(".a\r\nb\r\n..c".getBytes()), StandardCharsets.US_ASCII))
                .isEqualTo("..a\r\nb\r\n...c\r\n.\r\n");
    }

    @Test
    void dotStuffingAgreesWithTheRuleOctetByOctetOnRandomText() {
        java.util.Random random = new java.util.Random(42);
        byte[] alphabet = ".\r\na".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 2000; n++) {
            byte[] content = new byte[random.nextInt(40)];
            for (int i = 0; i < content.length; i++) {
                content[i] = alphabet[random.nextInt(alphabet.length)];
            }
            assertThat(SmtpClientSession.dotStuff(content))
                    .as(new String(content, StandardCharsets.US_ASCII))
                    .isEqualTo(stuffedOctetByOctet(content));
        }
    }

    /** RFC 5321 §4.5.2 read literally, one octet at a time. */
    private static byte[] stuffedOctetByOctet(byte[] content) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : content) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        int n = content.length;
        if (n > 0 && !(n >= 2 && content[n - 2] == '\r' && content[n - 1] == '\n')) {
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
