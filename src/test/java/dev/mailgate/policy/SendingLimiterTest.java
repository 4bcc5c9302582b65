package dev.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.auth.Identity;
import dev.mailgate.submission.Refusal;
import dev.mailgate.testsupport.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two "instances" of the limiter — each with its own Vert.x and its own connection pool, as two
 * mailgate processes would have — share one PostgreSQL. (Quarkus boots once so that Flyway has
 * created the tables; the limiters under test are built by hand.)
 */
@QuarkusTest
class SendingLimiterTest {

    @Test
    void twoInstancesTogetherLetThroughOneHundredOfThreeHundred() {
        String principal = "limit-" + UUID.randomUUID();
        Vertx vertxA = Vertx.vertx();
        Vertx vertxB = Vertx.vertx();
        Pool poolA = pool(vertxA);
        Pool poolB = pool(vertxB);
        try {
            List<SendingLimiter.Window> perMinute = List.of(new SendingLimiter.Window("messages", Duration.ofMinutes(1), 100));
            SendingLimiter a = new SendingLimiter(poolA, p -> perMinute, new SimpleMeterRegistry());
            SendingLimiter b = new SendingLimiter(poolB, p -> perMinute, new SimpleMeterRegistry());
            // stay inside one minute window: start right after a minute boundary if we are close to the next one
            long intoMinute = System.currentTimeMillis() % 60_000;
            if (intoMinute > 45_000) {
                sleep(60_000 - intoMinute + 200);
            }
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Uni<Optional<Refusal>>> attempts = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                SendingLimiter limiter = i % 2 == 0 ? a : b;
                attempts.add(limiter.acquire(identity(principal), 1).invoke(r -> {
                    if (r.isPresent()) {
                        assertThat(r.get().smtpReply()).startsWith("451 4.7.1");
                        assertThat(r.get().httpStatus()).isEqualTo(429);
                        assertThat(r.get().retryAfter()).isPresent();
                        refused.incrementAndGet();
                    } else {
                        accepted.incrementAndGet();
                    }
                }));
            }
            Uni.join().all(attempts).andFailFast().await().atMost(Duration.ofMinutes(2));
            assertThat(accepted.get()).isBetween(95, 105);
            assertThat(accepted.get() + refused.get()).isEqualTo(300);
        } finally {
            poolA.closeAndAwait();
            poolB.closeAndAwait();
            vertxA.closeAndAwait();
            vertxB.closeAndAwait();
        }
    }

    @Test
    void recipientsCountAndOverridesComeFromConfig() {
        String principal = "rcpt-" + UUID.randomUUID();
        Vertx vertx = Vertx.vertx();
        Pool pool = pool(vertx);
        try {
            SendingLimiter limiter = new SendingLimiter(pool,
                    p -> List.of(new SendingLimiter.Window("recipients", Duration.ofDays(1), 10)), new SimpleMeterRegistry());
            assertThat(limiter.acquire(identity(principal), 6).await().indefinitely()).isEmpty();
            Optional<Refusal> over = limiter.acquire(identity(principal), 6).await().indefinitely();
            assertThat(over).isPresent();
            assertThat(over.get().text()).contains("10 recipients per day");
            // a refused attempt counts nothing: 4 more still fit
            assertThat(limiter.acquire(identity(principal), 4).await().indefinitely()).isEmpty();
        } finally {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    @jakarta.inject.Inject
    dev.mailgate.config.MailgateConfig config;

    @Test
    void tokenClaimOverridesConfigWhichOverridesDefaults() {
        Identity plain = identity("someone");
        Identity bulk = new Identity("someone", Optional.empty(), List.of(), Set.of("mail-send"), "mail-send",
                java.util.Map.of("messages-per-minute", 5000, "recipients-per-day", 7));
        assertThat(SendingLimiter.windows(config.limits(), plain))
                .containsExactly(new SendingLimiter.Window("messages", Duration.ofMinutes(1), config.limits().messagesPerMinute()));
        assertThat(SendingLimiter.windows(config.limits(), bulk)).containsExactly(
                new SendingLimiter.Window("messages", Duration.ofMinutes(1), 5000),
                new SendingLimiter.Window("recipients", Duration.ofDays(1), 7));
    }

    private static Identity identity(String principal) {
        return new Identity(principal, Optional.empty(), List.of(), Set.of("mail-send"), "mail-send");
    }

    private static Pool pool(Vertx vertx) {
        PostgresServer pg = PostgresServer.shared();
        URI uri = URI.create(pg.reactiveUrl());
        PgConnectOptions connect = new PgConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                .setDatabase(uri.getPath().substring(1)).setUser(pg.username()).setPassword(pg.password());
        return PgPool.pool(vertx, connect, new PoolOptions().setMaxSize(8));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
