package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.health.ListeningDoors;
import dev.mailgate.mail.Door;
import dev.mailgate.policy.ConnectionGate;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The two SMTP doors on Quarkus' Vert.x: 587 (plaintext greeting, STARTTLS) and 465 (TLS from the
 * first byte), TLS 1.2 and 1.3 only. Each door runs one server instance per event loop sharing the
 * port, so sessions spread over all cores.
 */
@ApplicationScoped
public class SmtpListeners implements ListeningDoors {

    private static final Logger LOG = Logger.getLogger(SmtpListeners.class);
    private static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final MailgateConfig config;
    private final SmtpBackend backend;
    private final ConnectionGate gate;
    private final ContentBudget budget;
    private final Map<Door, Integer> boundPorts = new ConcurrentHashMap<>();
    private final List<String> deployments = new ArrayList<>();

    public SmtpListeners(
            Vertx vertx, MailgateConfig config, SmtpBackend backend, ConnectionGate gate, ContentBudget budget) {
        this.gate = gate;
        this.budget = budget;
        this.vertx = vertx;
        this.config = config;
        this.backend = backend;
    }

    void start(@Observes StartupEvent ignored) {
        listen(Door.SMTP_STARTTLS, config.smtp().submissionPort());
        listen(Door.SMTP_IMPLICIT_TLS, config.smtp().submissionsPort());
    }

    void stop(@Observes ShutdownEvent ignored) {
        for (String id : deployments) {
            vertx.undeploy(id).toCompletionStage().toCompletableFuture().join();
        }
        boundPorts.clear();
    }

    /** The port each enabled door is listening on (the real one when configured as 0). */
    @Override
    public Map<Door, Integer> boundPorts() {
        return Map.copyOf(boundPorts);
    }

    /** Doors that are configured to listen (port not -1). */
    @Override
    public List<Door> enabledDoors() {
        List<Door> doors = new ArrayList<>();
        if (config.smtp().submissionPort() >= 0) {
            doors.add(Door.SMTP_STARTTLS);
        }
        if (config.smtp().submissionsPort() >= 0) {
            doors.add(Door.SMTP_IMPLICIT_TLS);
        }
        return doors;
    }

    private void listen(Door door, int port) {
        if (port < 0) {
            LOG.infof("SMTP %s listener disabled", door.label());
            return;
        }
        PemKeyCertOptions keyCert = keyCert();
        SessionSettings settings = settings(door == Door.SMTP_IMPLICIT_TLS);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        // Vert.x shares one listening socket among instances asking for the same port; for a random
        // port (0, tests) that takes a negative port number, one per door, so the doors stay apart.
        int requested = port == 0 ? -1 - door.ordinal() : port;
        int bound = deploy(door, requested, keyCert, settings, instances);
        boundPorts.put(door, bound);
        LOG.infof(
                "SMTP %s listening on %s:%d (%s, TLS by %s)",
                door.label(),
                config.smtp().bind(),
                bound,
                door == Door.SMTP_IMPLICIT_TLS ? "implicit TLS" : "STARTTLS",
                OPENSSL ? "OpenSSL" : "JDK");
    }

    /** BoringSSL when netty-tcnative is on the class path (JVM builds), else the JDK's TLS engine. */
    private static final boolean OPENSSL = OpenSSLEngineOptions.isAvailable();

    private int deploy(Door door, int port, PemKeyCertOptions keyCert, SessionSettings settings, int instances) {
        NetServerOptions options = new NetServerOptions()
                .setHost(config.smtp().bind())
                .setPort(port)
                // With PROXY protocol the header comes before the TLS ClientHello: 465 then reads it in
                // plaintext and upgrades the socket itself (see accept).
                .setSsl(door == Door.SMTP_IMPLICIT_TLS && !gate.proxyProtocol())
                .setKeyCertOptions(keyCert)
                .setEnabledSecureTransportProtocols(TLS_PROTOCOLS)
                .setTcpNoDelay(true);
        if (OPENSSL) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
            options.setKeyCertOptions(cachedForOpenSsl(keyCert));
        }
        Integer[] actual = new Integer[1];
        String id = vertx.deployVerticle(
                        () -> new Listener(door, options, settings, actual),
                        new DeploymentOptions().setInstances(instances))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        deployments.add(id);
        return actual[0];
    }

    private SessionSettings settings(boolean implicitTls) {
        MailgateConfig.Limits limits = config.limits();
        return SessionSettings.submission(config.smtp().effectiveHostname())
                .withImplicitTls(implicitTls)
                .withMaxMessageSize(limits.maxMessageSize())
                .withMaxRecipients(limits.recipientsPerMessage())
                .withMaxMessagesPerSession(limits.messagesPerSession());
    }

    /**
     * Netty's OpenSSL engine otherwise turns the key into PEM and BoringSSL parses it again for every
     * handshake (a few percent of a 465 connection's cost); the caching factory parses it once.
     */
    private KeyCertOptions cachedForOpenSsl(PemKeyCertOptions keyCert) {
        try {
            return KeyCertOptions.wrap(new OpenSslCachingX509KeyManagerFactory(keyCert.getKeyManagerFactory(vertx)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the TLS key and certificate: " + e.getMessage(), e);
        }
    }

    private PemKeyCertOptions keyCert() {
        if (config.tls().cert().isEmpty() || config.tls().key().isEmpty()) {
            throw new IllegalStateException(
                    "mailgate.tls.cert and mailgate.tls.key must name a PEM certificate chain and key"
                            + " while an SMTP listener is enabled (set mailgate.smtp.submission-port and"
                            + " mailgate.smtp.submissions-port to -1 to run without SMTP)");
        }
        return new PemKeyCertOptions()
                .setCertPath(config.tls().cert().get().toString())
                .setKeyPath(config.tls().key().get().toString());
    }

    /**
     * A new socket: with PROXY protocol, the proxy must be trusted and its header is read first (on 465
     * the TLS handshake follows it); then the real client address passes the allow/deny lists, the
     * connection limits and the brute-force lockout before the session starts. Runs on the listener's
     * event loop; database answers are brought back to it.
     */
    private void accept(Door door, NetSocket socket, SessionSettings settings) {
        Context loop = vertx.getOrCreateContext();
        String peer = socket.remoteAddress().hostAddress();
        backend.sessionOpened(door);
        if (!gate.proxyProtocol()) {
            TlsInfo tls = door == Door.SMTP_IMPLICIT_TLS ? SmtpServerConnection.tlsInfo(socket) : null;
            admit(loop, door, socket, settings, peer, tls, null);
            return;
        }
        if (!gate.trustedProxy(peer)) {
            refuse(
                    door,
                    socket,
                    peer,
                    "proxy-untrusted",
                    "peer " + peer + " is not in mailgate.smtp.trusted-proxies",
                    door == Door.SMTP_STARTTLS
                            ? "554 5.7.1 " + hostname() + " PROXY protocol not accepted from " + peer + "\r\n"
                            : null);
            return;
        }
        Buffer received = Buffer.buffer();
        long timer = vertx.setTimer(config.smtp().proxyTimeout().toMillis(), id -> {
            refuse(
                    door,
                    socket,
                    peer,
                    "proxy-timeout",
                    "no PROXY header within " + config.smtp().proxyTimeout(),
                    null);
        });
        socket.closeHandler(v -> vertx.cancelTimer(timer));
        socket.handler(chunk -> {
            received.appendBuffer(chunk);
            byte[] bytes = received.getBytes();
            ProxyHeader.Result result = ProxyHeader.parse(bytes, bytes.length);
            if (result instanceof ProxyHeader.NeedMore) {
                return;
            }
            vertx.cancelTimer(timer);
            socket.pause();
            socket.handler(null);
            if (result instanceof ProxyHeader.Invalid invalid) {
                refuse(
                        door,
                        socket,
                        peer,
                        "proxy-invalid",
                        invalid.reason(),
                        door == Door.SMTP_STARTTLS
                                ? "554 5.7.1 " + hostname() + " Invalid PROXY protocol header\r\n"
                                : null);
                return;
            }
            ProxyHeader.Parsed header = (ProxyHeader.Parsed) result;
            String client = header.sourceAddress() == null ? peer : header.sourceAddress();
            Buffer early = Buffer.buffer(bytes).slice(header.length(), bytes.length);
            backend.record(
                    "smtp.proxy",
                    null,
                    client,
                    door,
                    "proxy=" + peer + " version=" + header.version() + " client=" + client + ":" + header.sourcePort());
            if (door == Door.SMTP_STARTTLS) {
                admit(loop, door, socket, settings, client, null, early.length() == 0 ? null : early.copy());
                return;
            }
            socket.upgradeToSsl().onComplete(done -> {
                if (done.failed()) {
                    backend.record(
                            "tls.failed",
                            null,
                            client,
                            door,
                            String.valueOf(done.cause().getMessage()));
                    socket.close();
                    return;
                }
                admit(loop, door, socket, settings, client, SmtpServerConnection.tlsInfo(socket), null);
            });
            if (early.length() > 0) {
                // Bytes after the header are the start of the TLS handshake: hand them to the TLS handler
                // that upgradeToSsl just put at the front of the pipeline.
                ((NetSocketInternal) socket)
                        .channelHandlerContext()
                        .pipeline()
                        .fireChannelRead(Unpooled.copiedBuffer(early.getBytes()));
            }
            socket.resume();
        });
    }

    private void admit(
            Context loop,
            Door door,
            NetSocket socket,
            SessionSettings settings,
            String client,
            TlsInfo tls,
            Buffer early) {
        ConnectionGate.Admission admission = gate.admit(client, hostname());
        if (admission instanceof ConnectionGate.Refused refused) {
            refuse(
                    door,
                    socket,
                    client,
                    refused.reason().startsWith("denied") ? "denied" : "too-many-connections",
                    refused.reason(),
                    refused.reply());
            return;
        }
        ConnectionGate.Ticket ticket = ((ConnectionGate.Admitted) admission).ticket();
        socket.pause();
        socket.closeHandler(v -> ticket.release());
        backend.guard()
                .addressLockedUntil(client)
                .subscribe()
                .with(until -> loop.runOnContext(x -> {
                    if (until != null) {
                        ticket.release();
                        refuse(
                                door,
                                socket,
                                client,
                                "locked-out",
                                "locked out until " + until,
                                "421 4.7.0 " + hostname() + " Too many authentication failures from " + client
                                        + ", try again later\r\n");
                        return;
                    }
                    SessionContext context =
                            SessionContext.of(client, door, Clock.systemUTC(), UUID::randomUUID, budget);
                    if (tls != null) {
                        backend.tlsEstablished(door, tls);
                        context = context.withTls(tls);
                    }
                    Duration idle = config.smtp().idleTimeout();
                    new SmtpServerConnection(
                                    socket,
                                    new SmtpServerSession(settings, context),
                                    backend,
                                    vertx,
                                    door,
                                    client,
                                    idle)
                            .whenClosed(ticket::release)
                            .start(early);
                    socket.resume();
                }));
    }

    private void refuse(Door door, NetSocket socket, String client, String reason, String detail, String reply) {
        backend.connectionRefused(door, reason);
        backend.record(
                "smtp.connection.refused",
                null,
                client,
                door,
                "reason=" + reason + " " + detail + (reply == null ? " (closed silently)" : " reply=" + reply.trim()));
        if (reply != null) {
            socket.write(reply).onComplete(x -> socket.close());
        } else {
            socket.close();
        }
    }

    private String hostname() {
        return config.smtp().effectiveHostname();
    }

    /** One server instance on one event loop. */
    private final class Listener extends AbstractVerticle {
        private final Door door;
        private final NetServerOptions options;
        private final SessionSettings settings;
        private final Integer[] actualPort;
        private NetServer server;

        Listener(Door door, NetServerOptions options, SessionSettings settings, Integer[] actualPort) {
            this.door = door;
            this.options = options;
            this.settings = settings;
            this.actualPort = actualPort;
        }

        @Override
        public void start(Promise<Void> started) {
            server = vertx.createNetServer(options).connectHandler(socket -> accept(door, socket, settings));
            server.listen()
                    .onSuccess(s -> {
                        actualPort[0] = s.actualPort();
                        started.complete();
                    })
                    .onFailure(started::fail);
        }

        @Override
        public void stop(Promise<Void> stopped) {
            (server == null ? Future.<Void>succeededFuture() : server.close()).onComplete(r -> stopped.complete());
        }
    }
}
