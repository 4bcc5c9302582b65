package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may hold an SMTP connection, decided at accept time on the real client address (after PROXY):
 * CIDR allow/deny lists ({@code mailgate.smtp.allow}/{@code deny}, deny wins), and concurrent
 * connections overall and per address. Connection counts are per instance (they are about this
 * process's sockets); lockouts and sending limits are shared through the database.
 */
@ApplicationScoped
public class ConnectionGate {

    public sealed interface Admission {}

    /** Admitted: call {@link Ticket#release()} when the connection closes. */
    public record Admitted(Ticket ticket) implements Admission {}

    /** Not admitted: {@code reply} (with CRLF) to write before closing, or null to close silently. */
    public record Refused(String reason, String reply) implements Admission {}

    public final class Ticket {
        private final String address;
        private boolean released;

        private Ticket(String address) {
            this.address = address;
        }

        public synchronized void release() {
            if (!released) {
                released = true;
                total.decrementAndGet();
                perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        }
    }

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final List<Cidr> trustedProxies;
    private final MailgateConfig.Smtp smtp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionGate(MailgateConfig config, MeterRegistry metrics) {
        this.smtp = config.smtp();
        this.allow = Cidr.parseAll(smtp.allow().orElse(List.of()));
        this.deny = Cidr.parseAll(smtp.deny().orElse(List.of()));
        this.trustedProxies = Cidr.parseAll(smtp.trustedProxies().orElse(List.of()));
        Gauge.builder("mailgate.smtp.connections.open", total, AtomicInteger::get)
                .register(metrics);
    }

    public boolean proxyProtocol() {
        return smtp.proxyProtocol();
    }

    public boolean trustedProxy(String peer) {
        return Cidr.anyContains(trustedProxies, peer);
    }

    /** The allow/deny decision alone (also usable for the HTTP API). */
    public boolean permitted(String address) {
        if (Cidr.anyContains(deny, address)) {
            return false;
        }
        return allow.isEmpty() || Cidr.anyContains(allow, address);
    }

    public Admission admit(String address, String hostname) {
        if (!permitted(address)) {
            return new Refused(
                    "denied by mailgate.smtp.allow/deny",
                    smtp.denyAction() == MailgateConfig.Smtp.DenyAction.CLOSE
                            ? null
                            : "554 5.7.1 " + hostname + " Connections from " + address + " are not accepted\r\n");
        }
        if (total.incrementAndGet() > smtp.maxConnections()) {
            total.decrementAndGet();
            return new Refused(
                    "too many connections", "421 4.7.0 " + hostname + " Too many connections, try again later\r\n");
        }
        AtomicInteger mine = perAddress.compute(address, (k, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            c.incrementAndGet();
            return c;
        });
        if (mine.get() > smtp.maxConnectionsPerAddress()) {
            Ticket t = new Ticket(address);
            t.release();
            return new Refused(
                    "too many connections from this address",
                    "421 4.7.0 " + hostname + " Too many connections from " + address + ", try again later\r\n");
        }
        return new Admitted(new Ticket(address));
    }
}
