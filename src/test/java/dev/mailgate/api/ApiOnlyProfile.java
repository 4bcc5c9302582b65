package dev.mailgate.api;

import dev.mailgate.auth.Identity;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP API alone: SMTP listeners off (no TLS certificate needed), small limits so the limit
 * tests send small bodies, and a rate limiter that refuses the principal {@code limited}.
 */
public class ApiOnlyProfile implements QuarkusTestProfile {

    static final int MAX_MESSAGE = 200_000;
    static final int MAX_RECIPIENTS = 5;
    static final int MAX_ATTACHMENTS = 100_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mailgate.smtp.submission-port", "-1", "mailgate.smtp.submissions-port", "-1",
                "mailgate.limits.max-message-size", String.valueOf(MAX_MESSAGE),
                "mailgate.limits.recipients-per-message", String.valueOf(MAX_RECIPIENTS),
                "mailgate.api.max-attachments-size", String.valueOf(MAX_ATTACHMENTS),
                "quarkus.http.limits.max-body-size", "1M",
                "mailgate.api.idempotency-wait", "1s");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(RefuseLimited.class);
    }

    /** Stands in for the rate limiter of the policy issue: the principal "limited" must wait 42 s. */
    @Alternative
    @Priority(1)
    @ApplicationScoped
    public static class RefuseLimited implements SendRateLimit {
        @Override
        public Uni<Optional<Duration>> check(Identity identity, int messages) {
            return Uni.createFrom().item(identity.principal().equals("limited")
                    ? Optional.of(Duration.ofSeconds(42)) : Optional.empty());
        }
    }
}
