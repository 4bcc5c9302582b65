package dev.mailgate.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Tokens that Quarkus OIDC has already verified, so that a client sending many messages with one
 * token (an API client, a mail client opening session after session) pays for the signature check and
 * claim parsing once, not per request. An entry lives until the token's own {@code exp}, at most
 * {@link #MAX_AGE}: JWTs cannot be revoked before they expire, and the bound keeps a key removed from
 * the realm's JWKS from being trusted much longer than the token lifetimes Keycloak issues. Keyed by
 * the whole token string (no hash to collide); failures are never cached. Bounded in size: when full,
 * expired entries are dropped, and if it is still full nothing new is kept.
 */
@ApplicationScoped
public class VerifiedTokens {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    static final int MAX_ENTRIES = 10_000;

    private record Entry(SecurityIdentity identity, long validUntilMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Clock clock;

    @Inject
    public VerifiedTokens(MeterRegistry metrics) {
        this(metrics, Clock.systemUTC());
    }

    VerifiedTokens(MeterRegistry metrics, Clock clock) {
        this.hits = metrics.counter("mailgate.auth.token.cache", "result", "hit");
        this.misses = metrics.counter("mailgate.auth.token.cache", "result", "miss");
        this.clock = clock;
    }

    /** The identity this exact token was verified as, if that verification still holds now. */
    public Optional<SecurityIdentity> find(String token) {
        Entry entry = entries.get(token);
        if (!valid(entry)) {
            if (entry != null) {
                entries.remove(token, entry);
            }
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(entry.identity());
    }

    /** Whether this token is held and still valid (no metrics: for callers about to remember it). */
    boolean holds(String token) {
        return valid(entries.get(token));
    }

    private boolean valid(Entry entry) {
        return entry != null && entry.validUntilMillis() > clock.millis();
    }

    /** Remembers a successful verification (tokens without an expiry are not kept). */
    public void remember(String token, SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return;
        }
        long now = clock.millis();
        long until = Math.min(jwt.getExpirationTime() * 1000, now + MAX_AGE.toMillis());
        if (until <= now) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> e.validUntilMillis() <= now);
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        entries.put(token, new Entry(identity, until));
    }
}
