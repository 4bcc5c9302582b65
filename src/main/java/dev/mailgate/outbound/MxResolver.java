package dev.mailgate.outbound;

import io.smallrye.mutiny.Uni;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.dns.DnsClient;
import io.vertx.mutiny.core.dns.MxRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where mail for a domain goes (RFC 5321 §5.1): MX records by preference, shuffled among equal
 * preferences; the domain itself (implicit MX, its A/AAAA) when it has no MX; nowhere when it
 * publishes a null MX (RFC 7505). All lookups go through the Vert.x DNS client, never blocking.
 */
public final class MxResolver {

    /** The outcome of routing one domain. */
    public sealed interface Route {}

    /** Hosts to try, in order. */
    public record Hosts(List<String> hosts) implements Route {}

    /** RFC 7505: the domain accepts no mail. */
    public record NullMx() implements Route {}

    /** The domain does not exist (NXDOMAIN): permanent. */
    public record NoSuchDomain(String detail) implements Route {}

    /** The lookup failed for now (timeout, SERVFAIL): retry later. */
    public record DnsTrouble(String detail) implements Route {}

    private final List<DnsClient> clients;

    public MxResolver(Vertx vertx, Optional<List<String>> servers) {
        List<DnsClient> list = new ArrayList<>();
        if (servers.isPresent() && !servers.get().isEmpty()) {
            for (String server : servers.get()) {
                String s = server.trim();
                int colon = s.lastIndexOf(':');
                String host = colon > 0 && s.indexOf(':') == colon ? s.substring(0, colon) : s;
                int port = colon > 0 && s.indexOf(':') == colon ? Integer.parseInt(s.substring(colon + 1)) : 53;
                if (s.startsWith("[")) { // [v6]:port
                    int close = s.indexOf(']');
                    host = s.substring(1, close);
                    port = s.length() > close + 2 ? Integer.parseInt(s.substring(close + 2)) : 53;
                }
                list.add(vertx.createDnsClient(
                        new DnsClientOptions().setHost(host).setPort(port).setQueryTimeout(10_000)));
            }
        } else {
            list.add(vertx.createDnsClient(new DnsClientOptions().setQueryTimeout(10_000)));
        }
        this.clients = List.copyOf(list);
    }

    public Uni<Route> route(String domain) {
        return withFallback(c -> c.resolveMX(domain))
                .map(records -> toRoute(domain, records))
                .onFailure()
                .recoverWithItem(e -> {
                    if (isNxDomain(e)) {
                        return new NoSuchDomain(domain + ": no such domain");
                    }
                    return new DnsTrouble(domain + " MX lookup: " + e);
                });
    }

    static Route toRoute(String domain, List<MxRecord> records) {
        if (records == null || records.isEmpty()) {
            return new Hosts(List.of(domain)); // implicit MX (RFC 5321 §5.1)
        }
        if (records.size() == 1 && isNullTarget(records.get(0).name())) {
            return new NullMx();
        }
        TreeMap<Integer, List<String>> byPreference = new TreeMap<>();
        for (MxRecord r : records) {
            if (isNullTarget(r.name())) {
                continue; // a "." among real MXes is a misconfiguration; skip it
            }
            byPreference.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(stripDot(r.name()));
        }
        if (byPreference.isEmpty()) {
            return new NullMx();
        }
        List<String> hosts = new ArrayList<>();
        for (List<String> same : byPreference.values()) {
            Collections.shuffle(same, ThreadLocalRandom.current());
            hosts.addAll(same);
        }
        return new Hosts(hosts);
    }

    /**
     * A and AAAA addresses of one host (IPv4 first); empty when it has none. An address literal (a relay
     * host given as {@code 192.0.2.1} or {@code [2001:db8::1]}) is its own address, and {@code localhost} is
     * the loopback (RFC 6761 §6.3): neither is a DNS question.
     */
    public Uni<List<String>> addresses(String host) {
        Optional<List<String>> known = withoutDns(host);
        if (known.isPresent()) {
            return Uni.createFrom().item(known.get());
        }
        Uni<List<String>> v4 = withFallback(c -> c.resolveA(host)).onFailure().recoverWithItem(List.of());
        Uni<List<String>> v6 =
                withFallback(c -> c.resolveAAAA(host)).onFailure().recoverWithItem(List.of());
        return Uni.combine().all().unis(v4, v6).with((a, b) -> {
            List<String> all = new ArrayList<>(a == null ? List.of() : a);
            if (b != null) {
                all.addAll(b);
            }
            return all;
        });
    }

    static Optional<List<String>> withoutDns(String host) {
        String h = SmtpClientConnection.unbracketed(host);
        if (h.equalsIgnoreCase("localhost") || h.equalsIgnoreCase("localhost.")) {
            return Optional.of(List.of("127.0.0.1", "::1"));
        }
        if (SmtpClientConnection.isAddressLiteral(h)) {
            return Optional.of(List.of(h));
        }
        return Optional.empty();
    }

    /** TXT records of a name (each record's strings joined); empty when there are none or the name does not exist. */
    public Uni<List<String>> txt(String name) {
        return withFallback(c -> c.resolveTXT(name))
                .onFailure(MxResolver::isNxDomain)
                .recoverWithItem(List.of())
                .map(l -> l == null ? List.<String>of() : l);
    }

    private <T> Uni<T> withFallback(java.util.function.Function<DnsClient, Uni<T>> query) {
        Uni<T> uni = query.apply(clients.get(0));
        for (int i = 1; i < clients.size(); i++) {
            DnsClient next = clients.get(i);
            uni = uni.onFailure(e -> !isNxDomain(e)).recoverWithUni(() -> query.apply(next));
        }
        return uni;
    }

    static boolean isNxDomain(Throwable e) {
        return e instanceof DnsException d && d.code() == DnsResponseCode.NXDOMAIN;
    }

    private static boolean isNullTarget(String name) {
        return name == null || name.isEmpty() || name.equals(".");
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
