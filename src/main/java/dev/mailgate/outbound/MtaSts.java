package dev.mailgate.outbound;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * RFC 8461 MTA-STS: a domain that publishes {@code _mta-sts.<domain> TXT "v=STSv1; id=…"} and a policy
 * at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} tells senders which MX names are
 * genuine and (mode {@code enforce}) that delivery must use TLS with a certificate valid for that
 * name. Policies are cached until their max_age (at most one day here before a fresh look).
 * A domain without a policy, or whose policy cannot be fetched, is delivered as usual (§5.1).
 */
public final class MtaSts {

    private static final Logger LOG = Logger.getLogger(MtaSts.class);
    private static final Duration LONGEST_CACHE = Duration.ofDays(1);
    private static final int MAX_POLICY = 64 * 1024;

    public enum Mode {
        ENFORCE,
        TESTING,
        NONE
    }

    /** A parsed policy. */
    public record Policy(Mode mode, List<String> mx, Duration maxAge) {

        /** RFC 8461 §4.1: a pattern matches the name exactly or, as "*.x", one more label in front of x. */
        public boolean matches(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            for (String pattern : mx) {
                String p = pattern.toLowerCase(Locale.ROOT);
                if (p.startsWith("*.")) {
                    String suffix = p.substring(1);
                    if (h.endsWith(suffix) && h.indexOf('.') == h.length() - suffix.length()) {
                        return true;
                    }
                } else if (p.equals(h)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Cached(Optional<Policy> policy, Instant until) {}

    private final MxResolver resolver;
    private final HttpClient http;
    private final int port;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public MtaSts(Vertx vertx, MxResolver resolver, boolean trustAll, int port) {
        this.resolver = resolver;
        this.port = port;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setTrustAll(trustAll)
                .setVerifyHost(!trustAll)
                .setForceSni(true)
                .setConnectTimeout(10_000)
                .setIdleTimeout(30));
    }

    /** The domain's policy, if it has one that could be fetched. Never fails. */
    public Uni<Optional<Policy>> policy(String domain) {
        Cached c = cache.get(domain);
        if (c != null && c.until().isAfter(Instant.now())) {
            return Uni.createFrom().item(c.policy());
        }
        return resolver.txt("_mta-sts." + domain)
                .flatMap(records -> {
                    boolean published = records.stream().anyMatch(r -> r.trim().startsWith("v=STSv1"));
                    if (!published) {
                        cache.put(
                                domain,
                                new Cached(Optional.empty(), Instant.now().plus(Duration.ofMinutes(5))));
                        return Uni.createFrom().item(Optional.<Policy>empty());
                    }
                    return fetch(domain).map(p -> {
                        Duration keep = p.map(x -> x.maxAge().compareTo(LONGEST_CACHE) < 0 ? x.maxAge() : LONGEST_CACHE)
                                .orElse(Duration.ofMinutes(5));
                        cache.put(domain, new Cached(p, Instant.now().plus(keep)));
                        return p;
                    });
                })
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.debugf("MTA-STS lookup for %s failed: %s", domain, e);
                    return Optional.empty();
                });
    }

    private Uni<Optional<Policy>> fetch(String domain) {
        String host = "mta-sts." + domain;
        return resolver.addresses(host).flatMap(addresses -> {
            if (addresses.isEmpty()) {
                return Uni.createFrom().item(Optional.<Policy>empty());
            }
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setServer(SocketAddress.inetSocketAddress(port, addresses.get(0)))
                    .setHost(host)
                    .setPort(port)
                    .setSsl(true)
                    .setURI("/.well-known/mta-sts.txt")
                    .setFollowRedirects(false)
                    .setTimeout(60_000);
            return Uni.createFrom()
                    .<Optional<Policy>>emitter(em -> http.request(options)
                            .compose(req -> req.send())
                            .compose(resp -> {
                                if (resp.statusCode() != 200) {
                                    return io.vertx.core.Future.succeededFuture(null);
                                }
                                return resp.body();
                            })
                            .onComplete(ar -> {
                                if (ar.failed()
                                        || ar.result() == null
                                        || ar.result().length() > MAX_POLICY) {
                                    LOG.debugf(
                                            "MTA-STS policy of %s not fetched: %s",
                                            domain, ar.failed() ? ar.cause() : "no usable answer");
                                    em.complete(Optional.empty());
                                } else {
                                    em.complete(parse(ar.result().toString()));
                                }
                            }));
        });
    }

    /** Parses a policy body (RFC 8461 §3.2); anything invalid counts as no policy. */
    public static Optional<Policy> parse(String body) {
        String version = null;
        Mode mode = null;
        Duration maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = value;
                case "mode" ->
                    mode = switch (value.toLowerCase(Locale.ROOT)) {
                        case "enforce" -> Mode.ENFORCE;
                        case "testing" -> Mode.TESTING;
                        case "none" -> Mode.NONE;
                        default -> null;
                    };
                case "mx" -> mx.add(value);
                case "max_age" -> {
                    try {
                        maxAge = Duration.ofSeconds(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        maxAge = null;
                    }
                }
                default -> {
                    // unknown keys are ignored
                }
            }
        }
        if (!"STSv1".equals(version) || mode == null || maxAge == null || (mode != Mode.NONE && mx.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new Policy(mode, List.copyOf(mx), maxAge));
    }

    public void close() {
        http.close();
    }
}
