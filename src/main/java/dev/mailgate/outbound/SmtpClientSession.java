package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import dev.mailgate.mail.LineBreaks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The client side of one SMTP session (RFC 5321, with RFC 3207 STARTTLS, RFC 2920 PIPELINING,
 * RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 3461 DSN parameters) as a pure state
 * machine without I/O: feed it replies, it answers with {@link Action}s for the socket layer to
 * carry out. Several transactions may run one after another on one session (connection reuse).
 */
public final class SmtpClientSession {

    /** What the socket layer must do next. */
    public sealed interface Action {}

    /** Write these bytes. */
    public record Send(byte[] bytes) implements Action {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Start TLS on the socket, then call {@link #tlsStarted()} (or {@link #tlsFailed()}). */
    public record StartTls() implements Action {}

    /** The session is ready for {@link #begin(OutboundMessage)}. */
    public record Ready() implements Action {}

    /** A transaction ended; one result per recipient, in order. The session is ready again. */
    public record TransactionDone(List<RecipientResult> results) implements Action {}

    /** The session cannot go on (greeting refused, TLS required but absent, ...): close the socket. */
    public record SessionFailed(String reason, boolean permanent) implements Action {}

    /** QUIT was answered: close the socket. */
    public record Closed() implements Action {}

    enum State {
        GREETING,
        EHLO,
        HELO,
        STARTTLS,
        TLS_HANDSHAKE,
        AUTH,
        READY,
        MAIL,
        RCPT,
        DATA,
        DATA_END,
        EMPTY_DATA_END,
        RSET,
        QUIT,
        CLOSED
    }

    // RFC 5321 §4.5.3.2 minimum timeouts for awaiting replies. Its data block timeout (3 minutes per TCP
    // send) concerns writes, which this I/O-free session does not make.
    static final Duration GREETING_TIMEOUT = Duration.ofMinutes(5);
    static final Duration MAIL_TIMEOUT = Duration.ofMinutes(5);
    static final Duration RCPT_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DATA_INIT_TIMEOUT = Duration.ofMinutes(2);
    static final Duration DATA_END_TIMEOUT = Duration.ofMinutes(10);
    static final Duration OTHER_TIMEOUT = Duration.ofMinutes(5);

    private final String heloName;
    private final TlsPolicy tlsPolicy;
    private final ReplyParser parser = new ReplyParser();

    private State state = State.GREETING;
    private boolean tls;
    private final Set<String> extensions = new HashSet<>();
    private OptionalLong sizeLimit = OptionalLong.empty();

    // the running transaction
    private OutboundMessage message;
    private final Deque<State> expected = new ArrayDeque<>();
    private int rcptIndex;
    private final List<RecipientResult> results = new ArrayList<>();
    private final List<String> accepted = new ArrayList<>();
    private SmtpReply mailFailure;

    /** SMTP AUTH credentials for a smart host (RFC 4954, mechanism PLAIN). */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + "]";
        }
    }

    private final Credentials credentials;
    private boolean authenticated;

    public SmtpClientSession(String heloName, TlsPolicy tlsPolicy) {
        this(heloName, tlsPolicy, null);
    }

    public SmtpClientSession(String heloName, TlsPolicy tlsPolicy, Credentials credentials) {
        this.heloName = heloName;
        this.tlsPolicy = tlsPolicy;
        this.credentials = credentials;
    }

    public boolean tlsActive() {
        return tls;
    }

    public boolean ready() {
        return state == State.READY;
    }

    /** How long to wait for the next reply in the current state (RFC 5321 §4.5.3.2). */
    public Duration currentTimeout() {
        return switch (state) {
            case GREETING -> GREETING_TIMEOUT;
            case MAIL -> MAIL_TIMEOUT;
            case RCPT -> RCPT_TIMEOUT;
            case DATA -> DATA_INIT_TIMEOUT;
            case DATA_END -> DATA_END_TIMEOUT;
            default -> OTHER_TIMEOUT;
        };
    }

    /** Feed one reply line from the server (without CRLF). */
    public List<Action> onLine(String line) {
        return parser.feed(line).map(this::onReply).orElse(List.of());
    }

    public List<Action> onReply(SmtpReply reply) {
        return switch (state) {
            case GREETING -> onGreeting(reply);
            case EHLO -> onEhlo(reply);
            case HELO -> onHelo(reply);
            case STARTTLS -> onStartTls(reply);
            case AUTH -> onAuth(reply);
            case MAIL, RCPT, DATA -> onTransactionReply(reply);
            case DATA_END -> onDataEnd(reply);
            case EMPTY_DATA_END -> finishWithReset(new ArrayList<>());
            case RSET -> {
                state = State.READY;
                yield reply.positive()
                        ? List.of(new Ready())
                        : List.of(new SessionFailed("RSET refused: " + reply.text(), false));
            }
            case QUIT -> {
                state = State.CLOSED;
                yield List.of(new Closed());
            }
            case READY, TLS_HANDSHAKE, CLOSED -> {
                state = State.CLOSED;
                yield List.of(new SessionFailed("unexpected reply: " + reply.text(), false));
            }
        };
    }

    private List<Action> onGreeting(SmtpReply reply) {
        if (reply.code() != 220) {
            state = State.QUIT;
            return List.of(send("QUIT\r\n"), new SessionFailed("greeting: " + reply.text(), reply.permanentNegative()));
        }
        return ehlo();
    }

    private List<Action> ehlo() {
        state = State.EHLO;
        extensions.clear();
        authMechanisms.clear();
        sizeLimit = OptionalLong.empty();
        return List.of(send("EHLO " + heloName + "\r\n"));
    }

    private List<Action> onEhlo(SmtpReply reply) {
        if (!reply.positive()) {
            if (tlsPolicy == TlsPolicy.REQUIRED && !tls) {
                return fail("EHLO refused and TLS is required: " + reply.text(), false);
            }
            state = State.HELO;
            return List.of(send("HELO " + heloName + "\r\n"));
        }
        for (int i = 1; i < reply.lines().size(); i++) {
            String[] words = reply.lines().get(i).trim().split("\\s+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            extensions.add(keyword);
            if (keyword.equals("AUTH")) {
                for (int w = 1; w < words.length; w++) {
                    authMechanisms.add(words[w].toUpperCase(Locale.ROOT));
                }
            }
            if (keyword.equals("SIZE") && words.length > 1) {
                try {
                    long limit = Long.parseLong(words[1]);
                    if (limit > 0) {
                        sizeLimit = OptionalLong.of(limit);
                    }
                } catch (NumberFormatException ignored) {
                    // a malformed SIZE value: treat as no stated limit
                }
            }
        }
        if (!tls && tlsPolicy != TlsPolicy.NONE && extensions.contains("STARTTLS")) {
            state = State.STARTTLS;
            return List.of(send("STARTTLS\r\n"));
        }
        if (!tls && tlsPolicy == TlsPolicy.REQUIRED) {
            return fail("TLS is required but the server does not offer STARTTLS", false);
        }
        return authenticateOrReady();
    }

    private List<Action> authenticateOrReady() {
        if (credentials == null || authenticated) {
            state = State.READY;
            return List.of(new Ready());
        }
        boolean plainOffered = extensions.contains("AUTH") && authMechanisms.contains("PLAIN");
        if (!plainOffered) {
            // a configuration problem of the smart host: defer the mail rather than bounce it
            return fail("credentials are configured but the server offers no AUTH PLAIN", false);
        }
        state = State.AUTH;
        String token = java.util.Base64.getEncoder()
                .encodeToString(("\0" + credentials.username() + "\0" + credentials.password())
                        .getBytes(StandardCharsets.UTF_8));
        return List.of(send("AUTH PLAIN " + token + "\r\n"));
    }

    private List<Action> onAuth(SmtpReply reply) {
        if (reply.code() != 235) {
            return fail("authentication refused: " + reply.text(), false);
        }
        authenticated = true;
        state = State.READY;
        return List.of(new Ready());
    }

    private final Set<String> authMechanisms = new HashSet<>();

    private List<Action> onHelo(SmtpReply reply) {
        if (!reply.positive()) {
            return fail("HELO refused: " + reply.text(), reply.permanentNegative());
        }
        return authenticateOrReady();
    }

    private List<Action> onStartTls(SmtpReply reply) {
        if (reply.code() == 220) {
            state = State.TLS_HANDSHAKE;
            return List.of(new StartTls());
        }
        if (tlsPolicy == TlsPolicy.REQUIRED) {
            return fail("STARTTLS refused and TLS is required: " + reply.text(), false);
        }
        return authenticateOrReady();
    }

    /** The TLS handshake succeeded: greet again (RFC 3207 §4.2, all knowledge from before is discarded). */
    public List<Action> tlsStarted() {
        tls = true;
        return ehlo();
    }

    /** The TLS handshake failed; the connection is unusable either way. */
    public List<Action> tlsFailed(String why) {
        state = State.CLOSED;
        return List.of(new SessionFailed("TLS handshake failed: " + why, false));
    }

    /** Starts a mail transaction; the session must be {@link #ready()}. */
    public List<Action> begin(OutboundMessage msg) {
        if (state != State.READY) {
            throw new IllegalStateException("session not ready: " + state);
        }
        message = msg;
        results.clear();
        accepted.clear();
        expected.clear();
        mailFailure = null;
        rcptIndex = 0;

        String refusal = null;
        if (msg.smtpUtf8() && !extensions.contains("SMTPUTF8")) {
            refusal = "553 5.6.7 The message needs SMTPUTF8 and the destination server does not support it";
        } else if (msg.eightBit() && !extensions.contains("8BITMIME")) {
            refusal = "554 5.6.3 The message has 8-bit content and the destination server does not support 8BITMIME";
        } else if (sizeLimit.isPresent() && msg.content().length > sizeLimit.getAsLong()) {
            refusal = "552 5.3.4 Message size " + msg.content().length + " exceeds the destination's limit "
                    + sizeLimit.getAsLong();
        }
        if (refusal != null) {
            SmtpReply local = SmtpReply.of(Integer.parseInt(refusal.substring(0, 3)), refusal.substring(4));
            for (OutboundMessage.Rcpt r : msg.recipients()) {
                results.add(RecipientResult.of(r.address(), local));
            }
            return List.of(new TransactionDone(List.copyOf(results)));
        }

        List<String> commands = new ArrayList<>();
        commands.add(mailCommand(msg));
        expected.add(State.MAIL);
        for (OutboundMessage.Rcpt r : msg.recipients()) {
            commands.add(rcptCommand(r));
            expected.add(State.RCPT);
        }
        commands.add("DATA\r\n");
        expected.add(State.DATA);

        List<Action> actions = new ArrayList<>();
        if (extensions.contains("PIPELINING")) {
            actions.add(send(String.join("", commands)));
            pendingCommands.clear();
        } else {
            actions.add(send(commands.get(0)));
            pendingCommands.clear();
            pendingCommands.addAll(commands.subList(1, commands.size()));
        }
        state = expected.peek();
        return actions;
    }

    private final Deque<String> pendingCommands = new ArrayDeque<>();

    private String mailCommand(OutboundMessage msg) {
        StringBuilder sb = new StringBuilder("MAIL FROM:<").append(msg.sender()).append('>');
        if (sizeLimit.isPresent() || extensions.contains("SIZE")) {
            sb.append(" SIZE=").append(msg.content().length);
        }
        if (msg.eightBit() && extensions.contains("8BITMIME")) {
            sb.append(" BODY=8BITMIME");
        }
        if (msg.smtpUtf8()) {
            sb.append(" SMTPUTF8");
        }
        if (extensions.contains("DSN")) {
            msg.ret().ifPresent(r -> sb.append(" RET=").append(r));
            msg.envid().ifPresent(e -> sb.append(" ENVID=").append(e));
        }
        return sb.append("\r\n").toString();
    }

    private String rcptCommand(OutboundMessage.Rcpt r) {
        StringBuilder sb = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
        if (extensions.contains("DSN")) {
            r.dsnNotify().ifPresent(n -> sb.append(" NOTIFY=").append(n));
            r.dsnOrcpt().ifPresent(o -> sb.append(" ORCPT=").append(o));
        }
        return sb.append("\r\n").toString();
    }

    private List<Action> onTransactionReply(SmtpReply reply) {
        State which = expected.poll();
        List<Action> actions = new ArrayList<>();
        switch (which) {
            case MAIL -> {
                if (!reply.positive()) {
                    mailFailure = reply;
                }
            }
            case RCPT -> {
                String address = message.recipients().get(rcptIndex++).address();
                if (mailFailure != null) {
                    results.add(RecipientResult.of(address, mailFailure));
                } else if (reply.positive()) {
                    accepted.add(address);
                    results.add(null); // decided by the reply to the end of data
                } else {
                    results.add(RecipientResult.of(address, reply));
                }
            }
            case DATA -> {
                if (reply.code() == 354) {
                    if (accepted.isEmpty() || mailFailure != null) {
                        // RFC 2920 §3.1: DATA accepted with no valid recipient: send an empty message's end
                        state = State.EMPTY_DATA_END;
                        expected.clear();
                        actions.add(send(".\r\n"));
                        return actions;
                    }
                    state = State.DATA_END;
                    actions.add(new Send(dotStuff(message.content())));
                    return actions;
                }
                // DATA refused: every accepted recipient gets this reply
                fillAccepted(reply);
                return finishWithReset(actions);
            }
            default -> throw new IllegalStateException(String.valueOf(which));
        }
        if (!pendingCommands.isEmpty()) {
            String next = pendingCommands.poll();
            boolean nextIsData = next.equals("DATA\r\n");
            if (nextIsData && (mailFailure != null || accepted.isEmpty())) {
                // without pipelining, don't send DATA when nothing was accepted
                pendingCommands.clear();
                expected.clear();
                return finishWithReset(actions);
            }
            if (mailFailure != null) {
                // MAIL failed: without pipelining the remaining RCPTs are not sent
                while (rcptIndex < message.recipients().size()) {
                    results.add(RecipientResult.of(
                            message.recipients().get(rcptIndex++).address(), mailFailure));
                }
                pendingCommands.clear();
                expected.clear();
                return finishWithReset(actions);
            }
            actions.add(send(next));
        }
        state = expected.isEmpty() ? state : expected.peek();
        return actions;
    }

    private List<Action> finishWithReset(List<Action> actions) {
        actions.add(new TransactionDone(List.copyOf(results)));
        state = State.RSET;
        actions.add(send("RSET\r\n"));
        return actions;
    }

    private void fillAccepted(SmtpReply reply) {
        int a = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                results.set(i, RecipientResult.of(accepted.get(a++), reply));
            }
        }
    }

    private List<Action> onDataEnd(SmtpReply reply) {
        fillAccepted(reply);
        state = State.READY;
        return List.of(new TransactionDone(List.copyOf(results)), new Ready());
    }

    /** Ends the session politely. */
    public List<Action> quit() {
        if (state == State.CLOSED || state == State.QUIT) {
            return List.of();
        }
        state = State.QUIT;
        return List.of(send("QUIT\r\n"));
    }

    private List<Action> fail(String reason, boolean permanent) {
        state = State.QUIT;
        return List.of(send("QUIT\r\n"), new SessionFailed(reason, permanent));
    }

    private static Send send(String command) {
        return new Send(command.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes on the wire for DATA: each line starting with "." gets another "." (RFC 5321
     * §4.5.2), a final CRLF if the content lacks one, then the end-of-data line.
     */
    public static byte[] dotStuff(byte[] content) {
        int n = content.length;
        // lines start at 0 and after each LF; LineBreaks finds the LFs a word at a time
        int dots = 0;
        for (int line = 0; line < n; line = LineBreaks.nextLf(content, line, n) + 1) {
            if (content[line] == '.') {
                dots++;
            }
        }
        boolean endsWithCrLf = n >= 2 && content[n - 2] == '\r' && content[n - 1] == '\n';
        int tail = (n > 0 && !endsWithCrLf ? 2 : 0) + 3;
        byte[] out = new byte[n + dots + tail];
        // the text between stuffed dots is copied in runs
        int o = 0;
        int from = 0;
        for (int line = 0; dots > 0 && line < n; line = LineBreaks.nextLf(content, line, n) + 1) {
            if (content[line] == '.') {
                System.arraycopy(content, from, out, o, line - from);
                o += line - from;
                out[o++] = '.';
                from = line;
                dots--;
            }
        }
        System.arraycopy(content, from, out, o, n - from);
        o += n - from;
        if (tail == 5) {
            out[o++] = '\r';
            out[o++] = '\n';
        }
        out[o++] = '.';
        out[o++] = '\r';
        out[o] = '\n';
        return out;
    }
}
