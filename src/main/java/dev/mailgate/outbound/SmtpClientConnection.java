package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import dev.mailgate.outbound.SmtpClientSession.Action;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * The thin socket layer around {@link SmtpClientSession}: a Vert.x {@link NetSocket}, a line
 * parser, the STARTTLS upgrade and the RFC 5321 reply timeouts. Everything runs on the socket's
 * event loop; nothing blocks.
 */
public final class SmtpClientConnection {

    private static final Logger LOG = Logger.getLogger(SmtpClientConnection.class);
    private static final int MAX_LINE = 4096;

    private final Vertx vertx;
    private final NetSocket socket;
    private final Context context;
    private final SmtpClientSession protocol;
    private final String host;
    private final String address;
    private final double timeoutScale;

    private Promise<Void> readyPromise;
    private Promise<List<RecipientResult>> txPromise;
    private long timer = -1;
    private boolean closed;
    private boolean ready;

    private SmtpClientConnection(
            Vertx vertx,
            NetSocket socket,
            SmtpClientSession protocol,
            String host,
            String address,
            double timeoutScale) {
        this.vertx = vertx;
        this.socket = socket;
        this.context = vertx.getOrCreateContext();
        this.protocol = protocol;
        this.host = host;
        this.address = address;
        this.timeoutScale = timeoutScale;
    }

    /** Connects, reads the greeting, says EHLO and does STARTTLS per policy; completes when ready for MAIL. */
    public static Uni<SmtpClientConnection> open(
            Vertx vertx,
            NetClient client,
            String host,
            String address,
            int port,
            String heloName,
            TlsPolicy policy,
            SmtpClientSession.Credentials credentials,
            double timeoutScale) {
        return Uni.createFrom()
                .<SmtpClientConnection>emitter(em -> client.connect(port, address, host, ar -> {
                    if (ar.failed()) {
                        em.fail(new SessionFailure(
                                "connect to " + host + " [" + address + "]:" + port + ": "
                                        + ar.cause().getMessage(),
                                false));
                        return;
                    }
                    SmtpClientConnection c = new SmtpClientConnection(
                            vertx,
                            ar.result(),
                            new SmtpClientSession(heloName, policy, credentials),
                            host,
                            address,
                            timeoutScale);
                    c.readyPromise = Promise.promise();
                    c.readyPromise.future().onComplete(r -> {
                        if (r.succeeded()) {
                            em.complete(c);
                        } else {
                            em.fail(r.cause());
                        }
                    });
                    c.start();
                }));
    }

    /** {@code [192.0.2.1]} as {@code 192.0.2.1}; anything else as it is. */
    static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean isAddressLiteral(String host) {
        String h = unbracketed(host);
        return io.netty.util.NetUtil.isValidIpV4Address(h) || io.netty.util.NetUtil.isValidIpV6Address(h);
    }

    private void start() {
        RecordParser parser = RecordParser.newDelimited("\r\n", this::onLine);
        parser.maxRecordSize(MAX_LINE);
        parser.exceptionHandler(
                e -> failAll(new SessionFailure("bad reply from " + host + ": " + e.getMessage(), false)));
        socket.handler(parser);
        socket.closeHandler(v -> {
            boolean wasClosed = closed;
            closed = true;
            cancelTimer();
            if (!wasClosed) {
                failAll(new SessionFailure("connection to " + host + " lost", false));
            }
        });
        socket.exceptionHandler(
                e -> failAll(new SessionFailure("connection to " + host + ": " + e.getMessage(), false)));
        armTimer();
    }

    private void onLine(Buffer line) {
        List<Action> actions;
        try {
            actions = protocol.onLine(line.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failAll(new SessionFailure("protocol error with " + host + ": " + e.getMessage(), false));
            return;
        }
        handle(actions);
    }

    private void handle(List<Action> actions) {
        // a finished transaction is reported after every other action of this step, so that whoever
        // gets the results sees the session already ready for the next message (connection reuse)
        SmtpClientSession.TransactionDone done = null;
        for (Action a : actions) {
            if (a instanceof SmtpClientSession.Send s) {
                socket.write(Buffer.buffer(s.bytes()));
            } else if (a instanceof SmtpClientSession.StartTls) {
                armTimer(); // the handshake has the same limit as a reply
                io.vertx.core.Handler<io.vertx.core.AsyncResult<Void>> upgraded = ar -> {
                    if (ar.succeeded()) {
                        handle(protocol.tlsStarted());
                    } else {
                        handle(protocol.tlsFailed(String.valueOf(ar.cause().getMessage())));
                    }
                };
                // SNI carries host names only (RFC 6066 §3): none for a relay given as an address literal
                if (isAddressLiteral(host)) {
                    socket.upgradeToSsl(upgraded);
                } else {
                    socket.upgradeToSsl(host, upgraded);
                }
                return;
            } else if (a instanceof SmtpClientSession.Ready) {
                ready = true;
                if (readyPromise != null) {
                    Promise<Void> p = readyPromise;
                    readyPromise = null;
                    p.tryComplete();
                }
            } else if (a instanceof SmtpClientSession.TransactionDone d) {
                done = d;
            } else if (a instanceof SmtpClientSession.SessionFailed f) {
                boolean tls = f.reason().startsWith("TLS handshake failed");
                failAll(new SessionFailure(host + ": " + f.reason(), f.permanent(), tls));
                closeSoon();
            } else if (a instanceof SmtpClientSession.Closed) {
                closed = true;
                socket.close();
            }
        }
        if (done != null && txPromise != null) {
            Promise<List<RecipientResult>> p = txPromise;
            txPromise = null;
            armTimer();
            p.tryComplete(done.results());
            return;
        }
        armTimer();
    }

    /** Runs one transaction; the connection must be {@link #usable()}. */
    public Uni<List<RecipientResult>> send(OutboundMessage message) {
        return Uni.createFrom()
                .emitter(em -> context.runOnContext(v -> {
                    if (!usable()) {
                        em.fail(new SessionFailure("connection to " + host + " not usable", false));
                        return;
                    }
                    ready = false;
                    txPromise = Promise.promise();
                    txPromise.future().onComplete(r -> {
                        if (r.succeeded()) {
                            em.complete(r.result());
                        } else {
                            em.fail(r.cause());
                        }
                    });
                    handle(protocol.begin(message));
                }));
    }

    public boolean usable() {
        return !closed && ready && protocol.ready();
    }

    public String host() {
        return host;
    }

    public String address() {
        return address;
    }

    /** e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384", or null for plaintext. */
    public String tlsDescription() {
        SSLSession s = socket.isSsl() ? socket.sslSession() : null;
        return s == null ? null : s.getProtocol() + " " + s.getCipherSuite();
    }

    /** Says QUIT and closes (after the reply, or after a short wait). */
    public void quit() {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            ready = false;
            for (Action a : protocol.quit()) {
                if (a instanceof SmtpClientSession.Send s) {
                    socket.write(Buffer.buffer(s.bytes()));
                }
            }
            closeSoon();
        });
    }

    private void closeSoon() {
        vertx.setTimer(5_000, t -> {
            if (!closed) {
                closed = true;
                socket.close();
            }
        });
    }

    private void failAll(SessionFailure failure) {
        cancelTimer();
        ready = false;
        if (readyPromise != null) {
            Promise<Void> p = readyPromise;
            readyPromise = null;
            p.tryFail(failure);
        }
        if (txPromise != null) {
            Promise<List<RecipientResult>> p = txPromise;
            txPromise = null;
            p.tryFail(failure);
        }
        if (!closed) {
            LOG.debugf("closing connection to %s: %s", host, failure.getMessage());
            closed = true;
            socket.close();
        }
    }

    private void armTimer() {
        cancelTimer();
        if (closed || (readyPromise == null && txPromise == null)) {
            return;
        }
        Duration d = protocol.currentTimeout();
        long ms = Math.max(100, (long) (d.toMillis() * timeoutScale));
        timer = vertx.setTimer(ms, t -> {
            timer = -1;
            failAll(new SessionFailure("timeout after " + ms + " ms waiting for " + host, false));
        });
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
