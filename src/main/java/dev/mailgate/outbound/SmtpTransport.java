package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import dev.mailgate.outbound.MxResolver.Route;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Delivery over SMTP to the hosts a route names (the MXes of the domain, or the smart host):
 * each host's addresses in turn, next one on a connection failure, a 4xx/5xx greeting, a TLS
 * problem or a lost connection. Once a host answers the transaction, its answers are final for
 * this attempt.
 */
public final class SmtpTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(SmtpTransport.class);

    private final MxResolver resolver;
    private final Function<String, Uni<Route>> router;
    private final SmtpConnector connector;
    private final int port;
    private final TlsPolicy policy;
    private final MtaSts mtaSts;

    public SmtpTransport(
            MxResolver resolver,
            Function<String, Uni<Route>> router,
            SmtpConnector connector,
            int port,
            TlsPolicy policy) {
        this(resolver, router, connector, port, policy, null);
    }

    /** With MTA-STS (RFC 8461) policies applied per recipient domain when {@code mtaSts} is given. */
    public SmtpTransport(
            MxResolver resolver,
            Function<String, Uni<Route>> router,
            SmtpConnector connector,
            int port,
            TlsPolicy policy,
            MtaSts mtaSts) {
        this.mtaSts = mtaSts;
        this.resolver = resolver;
        this.router = router;
        this.connector = connector;
        this.port = port;
        this.policy = policy;
    }

    @Override
    public Uni<Attempt> deliver(String domain, OutboundMessage message) {
        return router.apply(domain)
                .flatMap(route -> {
                    if (route instanceof MxResolver.NullMx) {
                        return Uni.createFrom()
                                .item(Attempt.all(
                                        message,
                                        556,
                                        "5.1.10 Recipient address has null MX (RFC 7505): " + domain
                                                + " accepts no mail",
                                        null));
                    }
                    if (route instanceof MxResolver.NoSuchDomain n) {
                        return Uni.createFrom().item(Attempt.all(message, 550, "5.1.2 " + n.detail(), null));
                    }
                    if (route instanceof MxResolver.DnsTrouble t) {
                        return Uni.createFrom().item(Attempt.all(message, 451, "4.4.3 " + t.detail(), null));
                    }
                    List<String> hosts = ((MxResolver.Hosts) route).hosts();
                    if (mtaSts == null) {
                        return tryHosts(domain, message, hosts, 0, null, policy);
                    }
                    return mtaSts.policy(domain).flatMap(sts -> {
                        if (sts.isEmpty() || sts.get().mode() == MtaSts.Mode.NONE) {
                            return tryHosts(domain, message, hosts, 0, null, policy);
                        }
                        List<String> allowed =
                                hosts.stream().filter(h -> sts.get().matches(h)).toList();
                        if (sts.get().mode() == MtaSts.Mode.TESTING) {
                            if (allowed.size() < hosts.size()) {
                                LOG.infof(
                                        "MTA-STS (testing) for %s: MX %s not in policy %s",
                                        domain, hosts, sts.get().mx());
                            }
                            return tryHosts(domain, message, hosts, 0, null, policy);
                        }
                        if (allowed.isEmpty()) {
                            return Uni.createFrom()
                                    .item(Attempt.all(
                                            message,
                                            451,
                                            "4.7.5 MTA-STS policy of " + domain + " names none of its MX hosts "
                                                    + hosts,
                                            null));
                        }
                        // enforce: only policy MX names, TLS with a valid certificate for that name (RFC 8461 §4.2)
                        return tryHosts(domain, message, allowed, 0, null, TlsPolicy.REQUIRED);
                    });
                })
                .onFailure()
                .recoverWithItem(e -> Attempt.all(message, 451, "4.4.0 " + e.getMessage(), null));
    }

    private Uni<Attempt> tryHosts(
            String domain, OutboundMessage m, List<String> hosts, int i, SessionFailure last, TlsPolicy policy) {
        if (i >= hosts.size()) {
            String why = last == null ? "no usable host for " + domain : last.getMessage();
            boolean permanent = last != null && last.permanent();
            return Uni.createFrom()
                    .item(
                            permanent
                                    ? Attempt.all(m, 554, "5.4.0 " + why, lastHost(hosts))
                                    : Attempt.all(m, 451, "4.4.1 " + why, lastHost(hosts)));
        }
        String host = hosts.get(i);
        return resolver.addresses(host).flatMap(addresses -> {
            if (addresses.isEmpty()) {
                return tryHosts(
                        domain, m, hosts, i + 1, new SessionFailure(host + ": no A/AAAA address", false), policy);
            }
            return tryAddresses(host, addresses, 0, m, last, policy)
                    .flatMap(r -> r.attempt != null
                            ? Uni.createFrom().item(r.attempt)
                            : tryHosts(domain, m, hosts, i + 1, r.failure, policy));
        });
    }

    private record HostResult(Attempt attempt, SessionFailure failure) {}

    private Uni<HostResult> tryAddresses(
            String host, List<String> addresses, int i, OutboundMessage m, SessionFailure last, TlsPolicy policy) {
        if (i >= addresses.size()) {
            return Uni.createFrom().item(new HostResult(null, last));
        }
        String address = addresses.get(i);
        return attempt(host, address, m, policy)
                .onFailure(SessionFailure.class)
                .recoverWithUni(e -> {
                    SessionFailure f = (SessionFailure) e;
                    if (f.tlsHandshake() && policy == TlsPolicy.OPPORTUNISTIC) {
                        // RFC 7435 opportunistic security: a failed handshake falls back to cleartext
                        LOG.infof("TLS with %s failed (%s); trying again without TLS", host, f.getMessage());
                        return attempt(host, address, m, TlsPolicy.NONE);
                    }
                    return Uni.createFrom().failure(f);
                })
                .map(a -> new HostResult(a, null))
                .onFailure(SessionFailure.class)
                .recoverWithUni(e -> {
                    LOG.debugf("delivery via %s [%s] failed: %s", host, address, e.getMessage());
                    return tryAddresses(host, addresses, i + 1, m, (SessionFailure) e, policy);
                });
    }

    private Uni<Attempt> attempt(String host, String address, OutboundMessage m, TlsPolicy p) {
        return connector
                .acquire(host, address, port, p)
                .flatMap(c -> c.send(m)
                        .map(results -> {
                            String tls = c.tlsDescription();
                            connector.release(c, port, p);
                            return new Attempt(results, host, tls);
                        })
                        .onFailure()
                        .invoke(e -> c.quit()));
    }

    private static String lastHost(List<String> hosts) {
        return hosts.isEmpty() ? null : hosts.get(hosts.size() - 1);
    }

    @Override
    public void close() {
        connector.close();
        if (mtaSts != null) {
            mtaSts.close();
        }
    }
}
