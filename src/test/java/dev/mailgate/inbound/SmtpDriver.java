package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import dev.mailgate.submission.SubmissionOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Test conversation driver: feeds plain strings to a session, collects the reply text, and plays the
 * adapter (a fake verifier answering Authenticate, a fake store answering Submit, TLS handshakes).
 */
final class SmtpDriver {
    static final String HOST = "mx.mailgate.test";
    static final String CLIENT = "203.0.113.5";
    static final TlsInfo TLS = new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384");
    static final String GOOD_TOKEN = jwt("alice");
    /** A content budget no test message comes near. */
    static final ContentBudget PLENTY = new ContentBudget(1L << 40);

    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T10:00:00Z"), ZoneOffset.UTC);

    static Identity alice() {
        return new Identity(
                "alice",
                Optional.of("alice@example.com"),
                List.of("@example.org", "team@example.net"),
                Set.of("mail-send"),
                "mail-send");
    }

    static Identity noRole() {
        return new Identity("bob", Optional.of("bob@example.com"), List.of(), Set.of(), "mail-send");
    }

    /** A syntactically real JWT (header {"alg":"RS256"}); the fake verifier knows it. */
    static String jwt(String sub) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(("{\"sub\":\"" + sub + "\"}").getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    final SmtpServerSession session;
    final List<SessionAction> actions = new ArrayList<>();
    final List<Credential> credentials = new ArrayList<>();
    final List<SessionAction.Submit> submits = new ArrayList<>();
    boolean byteByByte;
    boolean autoComplete = true;
    Function<Credential, AuthResult> verifier = SmtpDriver::defaultVerifier;
    Function<SessionAction.Submit, SubmissionOutcome> store = s -> new SubmissionOutcome.Accepted(s.id());
    private final AtomicLong ids = new AtomicLong(1);

    SmtpDriver(SessionSettings settings) {
        this(settings, PLENTY);
    }

    /** Sessions made with the same budget share it, as the sessions of one instance do. */
    SmtpDriver(SessionSettings settings, ContentBudget budget) {
        this.session = new SmtpServerSession(
                settings,
                new SessionContext(
                        CLIENT,
                        settings.implicitTls() ? Door.SMTP_IMPLICIT_TLS : Door.SMTP_STARTTLS,
                        CLOCK,
                        () -> new UUID(0, ids.getAndIncrement()),
                        settings.implicitTls() ? Optional.of(TLS) : Optional.empty(),
                        budget));
    }

    SmtpDriver(SessionSettings settings, SessionContext context) {
        this.session = new SmtpServerSession(settings, context);
    }

    static SmtpDriver submission() {
        return new SmtpDriver(SessionSettings.submission(HOST));
    }

    static SmtpDriver submissions() {
        return new SmtpDriver(SessionSettings.submissions(HOST));
    }

    static AuthResult defaultVerifier(Credential credential) {
        if (credential instanceof Credential.BearerToken t) {
            if (t.token().equals(GOOD_TOKEN)) {
                return new AuthResult.Success(alice());
            }
            if (t.token().equals("no-role-token")) {
                return new AuthResult.Success(noRole());
            }
            if (t.token().equals("keycloak-down")) {
                return new AuthResult.TemporaryFailure("keycloak unreachable");
            }
            return new AuthResult.InvalidCredentials("token rejected");
        }
        Credential.Password p = (Credential.Password) credential;
        if (p.username().equals("alice") && p.password().equals("s3cret")) {
            return new AuthResult.Success(alice());
        }
        if (p.username().equals("bob") && p.password().equals("s3cret")) {
            return new AuthResult.Success(noRole());
        }
        return new AuthResult.InvalidCredentials("bad password");
    }

    String start() {
        return handle(session.start());
    }

    /** Feeds the text (as UTF-8), whole or one byte at a time, and returns the reply text produced. */
    String send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    String send(byte[] bytes) {
        StringBuilder replies = new StringBuilder();
        if (byteByByte) {
            for (int i = 0; i < bytes.length; i++) {
                replies.append(handle(session.receive(bytes, i, 1)));
            }
        } else {
            // an offset into a larger array, to prove offset/length are honoured
            byte[] padded = new byte[bytes.length + 6];
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            replies.append(handle(session.receive(padded, 3, bytes.length)));
        }
        return replies.toString();
    }

    /** Completes the pending handshake as the adapter would. */
    String tls() {
        return handle(session.tlsStarted(TLS));
    }

    String handle(List<SessionAction> result) {
        StringBuilder replies = new StringBuilder();
        for (SessionAction action : result) {
            actions.add(action);
            if (action instanceof SessionAction.Reply r) {
                replies.append(r.text());
            } else if (action instanceof SessionAction.Authenticate a) {
                credentials.add(a.credential());
                if (autoComplete) {
                    replies.append(handle(session.authCompleted(verifier.apply(a.credential()))));
                }
            } else if (action instanceof SessionAction.Submit s) {
                submits.add(s);
                if (autoComplete) {
                    replies.append(handle(session.submissionCompleted(store.apply(s))));
                }
            }
        }
        return replies.toString();
    }

    /** Greeting, EHLO, STARTTLS + handshake, EHLO again. */
    SmtpDriver secured() {
        start();
        send("EHLO client.example\r\n");
        if (!session.tlsActive()) {
            send("STARTTLS\r\n");
            tls();
            send("EHLO client.example\r\n");
        }
        return this;
    }

    /** Secured and authenticated as alice with PLAIN. */
    SmtpDriver authenticated() {
        secured();
        String reply = send("AUTH PLAIN " + b64("\0alice\0s3cret") + "\r\n");
        if (!reply.startsWith("235 ")) {
            throw new AssertionError("could not authenticate: " + reply);
        }
        return this;
    }

    /** Authenticated, with MAIL and one RCPT accepted. */
    SmtpDriver inTransaction() {
        authenticated();
        send("MAIL FROM:<alice@example.com>\r\n");
        send("RCPT TO:<bob@example.net>\r\n");
        return this;
    }

    SmtpDriver byteByByte() {
        byteByByte = true;
        return this;
    }

    List<String> auditTypes() {
        return actions.stream()
                .filter(a -> a instanceof SessionAction.Audit)
                .map(a -> ((SessionAction.Audit) a).type())
                .collect(Collectors.toList());
    }

    String auditText() {
        return actions.stream()
                .filter(a -> a instanceof SessionAction.Audit)
                .map(a -> ((SessionAction.Audit) a).type() + " " + ((SessionAction.Audit) a).detail())
                .collect(Collectors.joining("\n"));
    }

    boolean closedAction() {
        return actions.stream().anyMatch(a -> a instanceof SessionAction.Close);
    }

    String lastMessage() {
        SessionAction.Submit s = submits.get(submits.size() - 1);
        return new String(s.message(), StandardCharsets.UTF_8);
    }

    /** The message without the Received header we prepend. */
    String lastBody() {
        String m = lastMessage();
        int i = 0;
        while (true) {
            int end = m.indexOf("\r\n", i);
            if (end + 2 >= m.length() || m.charAt(end + 2) != '\t') {
                return m.substring(end + 2);
            }
            i = end + 2;
        }
    }

    static Refusal storeDown() {
        return Refusal.storeUnavailable();
    }
}
