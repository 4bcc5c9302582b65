package dev.mailgate.inbound;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Refusal;
import dev.mailgate.submission.SubmissionOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * The thin adapter between one Vert.x socket and one {@link SmtpServerSession}: bytes in, actions out.
 * Everything runs on the socket's event loop; the only waits are on Uni results, never blocking.
 * Input is paused while the session waits for an authentication or a commit, so a client that
 * floods during DATA-to-250 cannot make us buffer without bound.
 */
final class SmtpServerConnection {

    private static final Logger LOG = Logger.getLogger(SmtpServerConnection.class);

    private final NetSocket socket;
    private final SmtpServerSession session;
    private final SmtpBackend backend;
    private final Vertx vertx;
    private final Door door;
    private final String clientAddress;
    private final long idleMillis;
    private long idleTimer = -1;
    private String principal;
    private boolean closed;
    private Runnable onClose = () -> {};

    SmtpServerConnection(
            NetSocket socket,
            SmtpServerSession session,
            SmtpBackend backend,
            Vertx vertx,
            Door door,
            String clientAddress,
            Duration idle) {
        this.socket = socket;
        this.session = session;
        this.backend = backend;
        this.vertx = vertx;
        this.door = door;
        this.clientAddress = clientAddress;
        this.idleMillis = idle.toMillis();
    }

    /** Runs once when the connection ends (e.g. to release a connection-limit slot). */
    SmtpServerConnection whenClosed(Runnable action) {
        this.onClose = action;
        return this;
    }

    void start() {
        start(null);
    }

    /** Starts the session; {@code early} are octets the client sent before the greeting (after a PROXY header). */
    void start(Buffer early) {
        socket.handler(this::onBytes);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> LOG.debugf("SMTP socket error from %s: %s", clientAddress, e.getMessage()));
        resetIdleTimer();
        perform(session.start());
        if (early != null && early.length() > 0 && !closed) {
            onBytes(early);
        }
    }

    private void onBytes(Buffer buffer) {
        resetIdleTimer();
        byte[] bytes = buffer.getBytes();
        perform(session.receive(bytes, 0, bytes.length));
    }

    private void perform(List<SessionAction> actions) {
        Buffer out = null;
        for (SessionAction action : actions) {
            if (action instanceof SessionAction.Reply reply) {
                if (out == null) {
                    out = Buffer.buffer();
                }
                out.appendString(reply.text());
                continue;
            }
            if (action instanceof SessionAction.Audit audit) {
                backend.record(audit.type(), principal, clientAddress, door, audit.detail());
                continue;
            }
            // Every other action acts on the socket: what was answered so far goes out first.
            flush(out);
            out = null;
            if (action instanceof SessionAction.StartTls) {
                startTls();
            } else if (action instanceof SessionAction.Authenticate auth) {
                socket.pause();
                backend.authenticate(auth.credential(), auth.mechanism(), clientAddress, door)
                        .subscribe()
                        .with(
                                result -> {
                                    if (result instanceof AuthResult.Success success) {
                                        principal = success.identity().principal();
                                    }
                                    resume(session.authCompleted(result));
                                },
                                failure -> resume(
                                        session.authCompleted(new AuthResult.TemporaryFailure(failure.getMessage()))));
            } else if (action instanceof SessionAction.Submit submit) {
                socket.pause();
                backend.submit(submit, clientAddress, door)
                        .subscribe()
                        .with(
                                outcome -> resume(session.submissionCompleted(outcome)),
                                failure -> resume(session.submissionCompleted(
                                        new SubmissionOutcome.Refused(Refusal.storeUnavailable()))));
            } else if (action instanceof SessionAction.Close) {
                close();
            }
        }
        flush(out);
    }

    private void resume(List<SessionAction> actions) {
        if (closed) {
            return;
        }
        perform(actions);
        if (!closed && !session.awaiting()) {
            socket.resume();
        }
    }

    private void startTls() {
        socket.pause();
        socket.upgradeToSsl().onComplete(result -> {
            if (result.failed()) {
                LOG.debugf(
                        "STARTTLS handshake with %s failed: %s",
                        clientAddress, result.cause().getMessage());
                backend.record(
                        "tls.failed",
                        null,
                        clientAddress,
                        door,
                        String.valueOf(result.cause().getMessage()));
                close();
                return;
            }
            TlsInfo info = tlsInfo(socket);
            backend.tlsEstablished(door, info);
            resume(session.tlsStarted(info));
        });
    }

    static TlsInfo tlsInfo(NetSocket socket) {
        SSLSession ssl = socket.sslSession();
        return ssl == null ? new TlsInfo("unknown", "unknown") : new TlsInfo(ssl.getProtocol(), ssl.getCipherSuite());
    }

    private void flush(Buffer out) {
        if (out != null && out.length() > 0 && !closed) {
            socket.write(out);
        }
    }

    private void resetIdleTimer() {
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
        }
        idleTimer = vertx.setTimer(idleMillis, id -> {
            idleTimer = -1;
            if (!closed) {
                perform(session.idleTimeout());
            }
        });
    }

    private void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
        cancelIdle();
    }

    private void onClosed() {
        closed = true;
        session.connectionLost();
        cancelIdle();
    }

    private void cancelIdle() {
        onClose.run();
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }
}
