package dev.mailgate.inbound;

import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.Identity;
import dev.mailgate.submission.SubmissionOutcome;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One SMTP submission session (RFC 5321, RFC 6409) as a pure state machine: bytes in, {@link SessionAction}s out.
 * No I/O, no threads: the adapter feeds what it reads, performs the returned actions in order and reports
 * back the results of {@code Authenticate}, {@code Submit} and {@code StartTls}. Not thread-safe; one
 * session per connection, called from one event loop.
 *
 * <p>While an Authenticate or Submit is outstanding ({@link #awaiting()}), received input is held back
 * and processed after the completion call (RFC 2920 pipelining). Input is processed one octet at a time,
 * so any split of the stream into receive() calls gives the same actions.
 */
public final class SmtpServerSession {

    private enum Waiting {
        NONE,
        AUTH,
        SUBMIT,
        TLS
    }

    /** A SASL exchange in progress; while it exists, lines are SASL responses, not commands. */
    private static final class AuthExchange {
        final SaslMechanism mechanism;
        /** The credential was refused and an OAuth error challenge sent: any answer ends in 535. */
        boolean awaitingErrorAck;

        String user = "";

        AuthExchange(SaslMechanism mechanism) {
            this.mechanism = mechanism;
        }
    }

    /** The BDAT chunk being read: what to answer when its last octet arrives. */
    private record Chunk(long size, boolean last, MessageCollector target, String refusal) {}

    /** RFC 1870 §6.1 / RFC 3463: over the SIZE limit, permanently. */
    static final String MESSAGE_TOO_LARGE = "552 5.3.4 Message size exceeds fixed maximum message size";

    /** RFC 1870 §6.2 / RFC 3463: the message may fit later; the client keeps it and retries. */
    static final String INSUFFICIENT_STORAGE = "452 4.3.1 Insufficient system storage, try again later";

    private final SessionSettings settings;
    private final SessionContext context;
    private final CommandRegistry commands = CommandRegistry.standard();
    private final ByteQueue pending = new ByteQueue();
    private final InputFramer framer;
    private final ByteQueue.Run bodyRun;
    private List<SessionAction> out = new ArrayList<>();

    private boolean tlsActive;
    private TlsInfo tlsInfo;
    private String heloName;
    private boolean extended;
    private Identity identity;
    private Transaction transaction;
    private AuthExchange auth;
    private Chunk chunk;
    private MessageCollector dataCollector;
    /** The collector of the message being stored: its share of the content budget ends with the store. */
    private MessageCollector submitting;

    private Waiting waiting = Waiting.NONE;
    private int messagesSubmitted;
    private int errors;
    private boolean closed;

    public SmtpServerSession(SessionSettings settings, SessionContext context) {
        this.settings = settings;
        this.context = context;
        this.framer = new InputFramer(settings.maxAuthLine());
        this.bodyRun = framer::feedRun; // made once: pump() offers it for every run of message text
        if (settings.implicitTls()) {
            tlsActive = true;
            tlsInfo = context.tls().orElse(null);
        }
    }

    /** The greeting. On 465 the adapter calls this after the TLS handshake. */
    public List<SessionAction> start() {
        audit(
                "smtp.connect",
                "client=" + context.clientAddress() + " door=" + context.door().label());
        if (tlsActive) {
            // on 465 the handshake came before the greeting: the same audit line as after STARTTLS
            audit("tls.started", "client=" + context.clientAddress() + " " + describeTls());
        }
        reply("220 " + settings.hostname() + " ESMTP mailgate");
        return drain();
    }

    /** Octets read from the client, in any chunking. */
    public List<SessionAction> receive(byte[] bytes, int offset, int length) {
        if (closed || waiting == Waiting.TLS) {
            return drain(); // after STARTTLS, plaintext until the handshake is injection: dropped (CVE-2011-0411)
        }
        pending.append(bytes, offset, length);
        pump();
        return drain();
    }

    /** The handshake the StartTls action asked for is done: the session starts over (RFC 3207 §4.2). */
    public List<SessionAction> tlsStarted(TlsInfo info) {
        if (closed) {
            return drain(); // e.g. idle timeout while the adapter was busy: nothing more to say
        }
        if (waiting != Waiting.TLS) {
            throw new IllegalStateException("tlsStarted without a StartTls action");
        }
        waiting = Waiting.NONE;
        tlsActive = true;
        tlsInfo = info;
        heloName = null;
        extended = false;
        identity = null;
        setTransaction(null);
        auth = null;
        chunk = null;
        pending.clear();
        framer.reset();
        audit("tls.started", "client=" + context.clientAddress() + " " + describeTls());
        return drain();
    }

    public List<SessionAction> authCompleted(AuthResult result) {
        if (closed) {
            return drain(); // e.g. idle timeout while the adapter was busy: nothing more to say
        }
        if (waiting != Waiting.AUTH || auth == null) {
            throw new IllegalStateException("authCompleted without an Authenticate action");
        }
        waiting = Waiting.NONE;
        String mechanism = auth.mechanism.name();
        String who = "mechanism=" + mechanism + " client=" + context.clientAddress()
                + (auth.user.isEmpty() ? "" : " user=" + auth.user);
        if (result instanceof AuthResult.Success success) {
            identity = success.identity();
            auth = null;
            audit(
                    "auth.success",
                    "mechanism=" + mechanism + " principal=" + identity.principal() + " client="
                            + context.clientAddress());
            reply("235 2.7.0 Authentication successful");
        } else if (result instanceof AuthResult.TemporaryFailure temporary) {
            auth = null;
            audit("auth.failure", who + " temporary=true reason=" + temporary.reason());
            reply("454 4.7.0 Temporary authentication failure");
        } else {
            audit("auth.failure", who + " reason=" + ((AuthResult.InvalidCredentials) result).reason());
            SaslStep step = auth.mechanism.refused();
            if (step instanceof SaslStep.Challenge challenge) {
                auth.awaitingErrorAck = true;
                reply(challenge.replyLine());
            } else {
                auth = null;
                countError(((SaslStep.Fail) step).reply());
            }
        }
        pump();
        return drain();
    }

    public List<SessionAction> submissionCompleted(SubmissionOutcome outcome) {
        if (submitting != null) {
            submitting.release(); // stored or refused: its share of the content budget ends here
            submitting = null;
        }
        if (closed) {
            return drain(); // e.g. idle timeout while the adapter was busy: nothing more to say
        }
        if (waiting != Waiting.SUBMIT) {
            throw new IllegalStateException("submissionCompleted without a Submit action");
        }
        waiting = Waiting.NONE;
        transaction = null;
        if (outcome instanceof SubmissionOutcome.Accepted accepted) {
            reply("250 2.0.0 OK queued as " + accepted.id());
        } else {
            String line = ((SubmissionOutcome.Refused) outcome).refusal().smtpReply();
            audit("smtp.refused", "command=DATA client=" + context.clientAddress() + " reply=" + line);
            reply(line);
        }
        pump();
        return drain();
    }

    public List<SessionAction> idleTimeout() {
        if (!closed) {
            reply("421 4.4.2 " + settings.hostname() + " Idle timeout, closing connection");
            close();
        }
        return drain();
    }

    public boolean closed() {
        return closed;
    }

    /**
     * The peer went away: the message being received is dropped and its share of the content budget
     * given back. A message already handed to the store keeps its share until submissionCompleted.
     */
    public void connectionLost() {
        if (dataCollector != null) {
            dataCollector.release();
            dataCollector = null;
        }
        setTransaction(null);
    }

    /** True while an Authenticate, Submit or StartTls action awaits its completion call: adapters may pause reading. */
    public boolean awaiting() {
        return waiting != Waiting.NONE;
    }

    // ---- input processing ----

    private void pump() {
        while (!closed && waiting == Waiting.NONE && pending.hasRemaining()) {
            if (pending.takeRun(bodyRun) > 0) {
                continue; // message text in bulk; line ends and dots go through feed() below
            }
            InputFramer.Event event = framer.feed(pending.take());
            if (event instanceof InputFramer.Line line) {
                onLine(line);
            } else if (event instanceof InputFramer.DataEnd) {
                finishMessage(dataCollector);
            } else if (event instanceof InputFramer.ChunkEnd) {
                onChunkEnd();
            }
        }
        if (closed || waiting == Waiting.TLS) {
            pending.clear();
        }
    }

    private void onLine(InputFramer.Line line) {
        if (auth != null) {
            onSaslResponse(line);
            return;
        }
        String text = line.text();
        int space = text.indexOf(' ');
        String verb = space < 0 ? text : text.substring(0, space);
        String argument = space < 0 ? "" : text.substring(space + 1);
        Command command = commands.find(verb);
        long limit = command != null && command.longLine() ? settings.maxAuthLine() : settings.maxCommandLine();
        if (line.overflow() || line.wireLength() > limit) {
            refuse("500 5.5.2 Line too long");
            return;
        }
        if (line.bareNewline()) {
            refuse("500 5.5.2 Bare CR or LF received; lines must end with CRLF");
            return;
        }
        if (command == null) {
            refuse("500 5.5.1 Command unrecognized");
            return;
        }
        if (!tlsActive && !command.allowedBeforeTls()) {
            refuse("530 5.7.0 Must issue a STARTTLS command first");
            return;
        }
        command.execute(argument, this);
    }

    private void onSaslResponse(InputFramer.Line line) {
        if (auth.awaitingErrorAck) {
            auth = null; // RFC 7628 §3.2.3: the client acknowledges the error challenge, then fails
            refuse("535 5.7.8 Authentication credentials invalid");
            return;
        }
        if (line.overflow() || line.wireLength() > settings.maxAuthLine()) {
            auth = null;
            refuse("500 5.5.2 Line too long");
            return;
        }
        String text = line.text();
        if (text.equals("*")) {
            auth = null;
            refuse("501 5.0.0 Authentication cancelled");
            return;
        }
        byte[] response = line.bareNewline() ? null : AuthCommand.decode(text);
        if (response == null) {
            auth = null;
            refuse("501 5.5.2 Invalid base64 data");
            return;
        }
        step(auth.mechanism.next(response));
    }

    private void step(SaslStep step) {
        if (step instanceof SaslStep.Challenge challenge) {
            reply(challenge.replyLine());
        } else if (step instanceof SaslStep.Verify verify) {
            Credential credential = verify.credential();
            auth.user = credential instanceof Credential.Password p
                    ? p.username()
                    : ((Credential.BearerToken) credential).user().orElse("");
            waiting = Waiting.AUTH;
            out.add(new SessionAction.Authenticate(credential, auth.mechanism.name()));
        } else {
            String line = ((SaslStep.Fail) step).reply();
            audit(
                    "auth.failure",
                    "mechanism=" + auth.mechanism.name() + " client=" + context.clientAddress() + " reason="
                            + line.substring(10));
            auth = null;
            refuse(line);
        }
    }

    private void onChunkEnd() {
        Chunk done = chunk;
        chunk = null;
        if (done.refusal() != null) {
            refuse(done.refusal());
        } else if (done.last()) {
            finishMessage(done.target());
        } else if (done.target().oversize()) {
            refuse(MESSAGE_TOO_LARGE);
        } else if (done.target().overBudget()) {
            refuse(INSUFFICIENT_STORAGE);
        } else {
            reply("250 2.0.0 " + done.size() + " octets received");
        }
    }

    /** End of DATA or BDAT LAST: refuse what the collector found wrong, else submit. */
    private void finishMessage(MessageCollector collector) {
        collector.endOfMessage();
        dataCollector = null;
        // permanent faults first: a client told to retry must not come back with a message that can never pass
        String refusal = collector.bareNewline()
                ? "550 5.6.0 Message contains bare CR or LF; lines must end with CRLF"
                : collector.oversize()
                        ? MESSAGE_TOO_LARGE
                        : collector.lineTooLong()
                                ? "554 5.6.0 Message contains a line longer than " + settings.maxTextLine() + " octets"
                                : collector.overBudget() ? INSUFFICIENT_STORAGE : null;
        if (refusal != null) {
            collector.release();
            transaction = null;
            refuse(refusal);
        } else {
            submit(collector);
        }
    }

    private void submit(MessageCollector collector) {
        UUID id = context.ids().get();
        Envelope envelope = new Envelope(
                transaction.sender,
                transaction.recipients,
                transaction.body,
                transaction.smtpUtf8,
                transaction.ret,
                transaction.envid);
        String received = ReceivedHeader.build(
                heloName,
                context.clientAddress(),
                tlsInfo,
                identity.principal(),
                settings.hostname(),
                transaction.smtpUtf8,
                id,
                transaction.recipients,
                ZonedDateTime.now(context.clock()));
        byte[] message = collector.messageWith(received.getBytes(StandardCharsets.UTF_8));
        submitting = collector;
        messagesSubmitted++;
        waiting = Waiting.SUBMIT;
        out.add(new SessionAction.Submit(id, envelope, message, identity));
    }

    // ---- what commands use ----

    SessionSettings settings() {
        return settings;
    }

    boolean tlsActive() {
        return tlsActive;
    }

    String heloName() {
        return heloName;
    }

    boolean extended() {
        return extended;
    }

    Identity identity() {
        return identity;
    }

    Transaction transaction() {
        return transaction;
    }

    int messagesSubmitted() {
        return messagesSubmitted;
    }

    /** Also gives back what an unfinished BDAT message held of the content budget. */
    void setTransaction(Transaction value) {
        if (transaction != null
                && transaction != value
                && transaction.chunks != null
                && transaction.chunks != submitting) {
            transaction.chunks.release();
        }
        transaction = value;
    }

    /** EHLO/HELO: a new greeting also aborts any transaction (RFC 5321 §4.1.4). */
    void greeted(String name, boolean ehlo) {
        heloName = name;
        extended = ehlo;
        setTransaction(null);
    }

    /** TLS, then AUTH: the order of the refusals tells the client what to do next. */
    boolean requireAuthenticated() {
        if (!tlsActive) {
            refuse("530 5.7.0 Must issue a STARTTLS command first");
            return false;
        }
        if (identity == null) {
            refuse("530 5.7.0 Authentication required");
            return false;
        }
        return true;
    }

    void beginTls() {
        waiting = Waiting.TLS;
        out.add(new SessionAction.StartTls());
        pending.clear();
        framer.reset();
    }

    void beginAuth(SaslMechanism mechanism, byte[] initialResponse) {
        auth = new AuthExchange(mechanism);
        step(mechanism.start(initialResponse));
    }

    void beginData() {
        dataCollector = newCollector();
        framer.startData(dataCollector);
    }

    boolean contentFitsNow(long declaredSize) {
        return context.budget().fitsNow(declaredSize);
    }

    MessageCollector newCollector() {
        return new MessageCollector(settings.maxMessageSize(), settings.maxTextLine(), context.budget());
    }

    void beginChunk(long size, boolean last, MessageCollector target, String refusal) {
        chunk = new Chunk(size, last, target, refusal);
        if (size == 0) {
            onChunkEnd(); // BDAT 0 LAST: nothing to read
        } else {
            framer.startChunk(size, target);
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            audit("smtp.closed", "client=" + context.clientAddress());
            out.add(new SessionAction.Close());
        }
    }

    void reply(String line) {
        out.add(new SessionAction.Reply(line + "\r\n"));
    }

    /** A multi-line reply: {@code 250-first}, ..., {@code 250 last}, as one Reply. */
    void replyLines(int code, List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            text.append(code)
                    .append(i == lines.size() - 1 ? ' ' : '-')
                    .append(lines.get(i))
                    .append("\r\n");
        }
        out.add(new SessionAction.Reply(text.toString()));
    }

    /** A 4xx/5xx reply: audited, and 5xx replies count towards the error limit. */
    void refuse(String line) {
        audit("smtp.refused", "client=" + context.clientAddress() + " reply=" + line);
        countError(line);
    }

    private void countError(String line) {
        reply(line);
        if (line.startsWith("5") && ++errors >= settings.maxInvalidCommands() && !closed) {
            reply("421 4.7.0 Too many errors, closing connection");
            close();
        }
    }

    private void audit(String type, String detail) {
        out.add(new SessionAction.Audit(type, detail));
    }

    private String describeTls() {
        return tlsInfo == null ? "TLS" : tlsInfo.protocol() + " " + tlsInfo.cipherSuite();
    }

    private List<SessionAction> drain() {
        List<SessionAction> result = out;
        out = new ArrayList<>();
        return result;
    }
}
