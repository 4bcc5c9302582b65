package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens outbound SMTP connections and keeps idle ones for a short while, so consecutive messages
 * to the same host reuse one session instead of a new TCP + TLS handshake each.
 */
public final class SmtpConnector {

    private final Vertx vertx;
    private final NetClient client;
    private final String heloName;
    private final double timeoutScale;
    private final Duration reuse;
    private final SmtpClientSession.Credentials credentials;
    private final Map<String, Deque<Idle>> idle = new HashMap<>();

    private record Idle(SmtpClientConnection connection, long timer) {}

    public SmtpConnector(
            Vertx vertx,
            String heloName,
            boolean trustAll,
            boolean implicitTls,
            Duration connectTimeout,
            Duration reuse,
            double timeoutScale) {
        this(vertx, heloName, trustAll, implicitTls, connectTimeout, reuse, timeoutScale, null);
    }

    public SmtpConnector(
            Vertx vertx,
            String heloName,
            boolean trustAll,
            boolean implicitTls,
            Duration connectTimeout,
            Duration reuse,
            double timeoutScale,
            SmtpClientSession.Credentials credentials) {
        this.vertx = vertx;
        this.credentials = credentials;
        NetClientOptions options = new NetClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setSsl(implicitTls)
                .setTrustAll(trustAll)
                .setHostnameVerificationAlgorithm(trustAll ? "" : "HTTPS");
        this.client = vertx.createNetClient(options);
        this.heloName = heloName;
        this.timeoutScale = timeoutScale;
        this.reuse = reuse;
    }

    public Uni<SmtpClientConnection> acquire(String host, String address, int port, TlsPolicy policy) {
        String key = key(host, address, port, policy);
        synchronized (idle) {
            Deque<Idle> q = idle.get(key);
            while (q != null && !q.isEmpty()) {
                Idle i = q.pollFirst();
                vertx.cancelTimer(i.timer());
                if (i.connection().usable()) {
                    return Uni.createFrom().item(i.connection());
                }
            }
        }
        return SmtpClientConnection.open(
                vertx, client, host, address, port, heloName, policy, credentials, timeoutScale);
    }

    /** Gives a connection back after a transaction: kept for reuse if still usable, else closed. */
    public void release(SmtpClientConnection c, int port, TlsPolicy policy) {
        if (!c.usable() || reuse.isZero()) {
            c.quit();
            return;
        }
        String key = key(c.host(), c.address(), port, policy);
        synchronized (idle) {
            long[] timer = new long[1];
            Idle entry = new Idle(c, timer[0] = vertx.setTimer(Math.max(1, reuse.toMillis()), t -> expire(key, c)));
            idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(entry);
        }
    }

    private void expire(String key, SmtpClientConnection c) {
        synchronized (idle) {
            Deque<Idle> q = idle.get(key);
            if (q != null) {
                q.removeIf(i -> i.connection() == c);
            }
        }
        c.quit();
    }

    public void close() {
        synchronized (idle) {
            idle.values()
                    .forEach(q -> q.forEach(i -> {
                        vertx.cancelTimer(i.timer());
                        i.connection().quit();
                    }));
            idle.clear();
        }
        vertx.setTimer(6_000, t -> client.close());
    }

    private static String key(String host, String address, int port, TlsPolicy policy) {
        return host + "|" + address + "|" + port + "|" + policy;
    }
}
