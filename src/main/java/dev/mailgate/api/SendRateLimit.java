package dev.mailgate.api;

import dev.mailgate.auth.Identity;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.Optional;

/**
 * The hook for the per-principal rate limit ({@code mailgate.limits.messages-per-minute}, shared with
 * SMTP, all instances together). The API asks it before every send; an answer with a duration is a
 * {@code 429} with {@code Retry-After}. Until the policy issue provides a bean of this type, every
 * send is allowed (the {@link DefaultBean} below steps aside as soon as another bean exists).
 */
public interface SendRateLimit {

    /** Empty when {@code identity} may send {@code messages} more now; otherwise how long to wait. */
    Uni<Optional<Duration>> check(Identity identity, int messages);

    /** Allow-all until a real limiter exists. */
    class Producer {
        @Produces
        @DefaultBean
        @ApplicationScoped
        SendRateLimit unlimited() {
            return (identity, messages) -> Uni.createFrom().item(Optional.empty());
        }
    }
}
