package dev.mailgate.policy;

import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter works inside the caller's transaction; here each call is its own transaction, as a
 * group of one. Two "instances" of the limiter — each with its own Vert.x and its own connection pool, as two
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
            List<SendingLimiter.Window> perMinute =
                    List.of(new SendingLimiter.Window("messages", Duration.ofMinutes(1), 100));
            SendingLimiter a = new SendingLimiter(p -> perMinute, new SimpleMeterRegistry());
            SendingLimiter b = new SendingLimiter(p -> perMinute, new SimpleMeterRegistry());
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
                attempts.add(acquire(i % 2 == 0 ? poolA : poolB, limiter, principal, 1)
                        .invoke(r -> {
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
            SendingLimiter limiter = new SendingLimiter(
                    p -> List.of(new SendingLimiter.Window("recipients", Duration.ofDays(1), 10)),
                    new SimpleMeterRegistry());
            assertThat(acquire(pool, limiter, principal, 6).await().indefinitely())
                    .isEmpty();
            Optional<Refusal> over =
                    acquire(pool, limiter, principal, 6).await().indefinitely();
            assertThat(over).isPresent();
            assertThat(over.get().text()).contains("10 recipients per day");
            // a refused attempt counts nothing: 4 more still fit
            assertThat(acquire(pool, limiter, principal, 4).await().indefinitely())
                    .isEmpty();
        } finally {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    @Test
    void oneGroupIsAdmittedInOrderWhileEveryWindowHasRoomAndACommitCountsOnlyTheAdmitted() {
        String principal = "group-" + UUID.randomUUID();
        String other = "group-other-" + UUID.randomUUID();
        Vertx vertx = Vertx.vertx();
        Pool pool = pool(vertx);
        try {
            SendingLimiter limiter = new SendingLimiter(
                    p -> List.of(
                            new SendingLimiter.Window("messages", Duration.ofHours(1), 4),
                            new SendingLimiter.Window("recipients", Duration.ofHours(1), 6)),
                    new SimpleMeterRegistry());
            // recipients: 2, 3 (=5), 2 (would be 7: refused), 1 (=6), then messages are at 3 and recipients full
            List<SendingLimiter.Charge> group = List.of(
                    charge(limiter, principal, 2),
                    charge(limiter, principal, 3),
                    charge(limiter, principal, 2),
                    charge(limiter, other, 5),
                    charge(limiter, principal, 1),
                    charge(limiter, principal, 1));
            List<Optional<Refusal>> answers =
                    inTransaction(pool, limiter, group).await().indefinitely();
            assertThat(answers).extracting(Optional::isPresent).containsExactly(false, false, true, false, false, true);
            assertThat(answers.get(2).get().text()).contains("6 recipients per hour");

            // what was counted is committed: one more message with one recipient no longer fits, and a
            // group whose transaction rolls back counts nothing
            assertThat(Uni.createFrom()
                            .completionStage(() -> pool.getDelegate()
                                    .withTransaction(tx -> limiter.admit(tx, List.of(charge(limiter, other, 1)))
                                            .compose(a -> a.counted())
                                            .compose(x -> io.vertx.core.Future.failedFuture(
                                                    new IllegalStateException("roll back"))))
                                    .toCompletionStage())
                            .onFailure()
                            .recoverWithNull()
                            .await()
                            .indefinitely())
                    .isNull();
            assertThat(acquire(pool, limiter, principal, 1).await().indefinitely())
                    .isPresent();
            assertThat(acquire(pool, limiter, other, 1).await().indefinitely()).isEmpty();
            assertThat(acquire(pool, limiter, other, 1).await().indefinitely()).isPresent();
        } finally {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    private static SendingLimiter.Charge charge(SendingLimiter limiter, String principal, int recipients) {
        return limiter.charge(identity(principal), recipients);
    }

    /** One message as a group of one, in its own transaction. */
    private static Uni<Optional<Refusal>> acquire(Pool pool, SendingLimiter limiter, String principal, int recipients) {
        return inTransaction(pool, limiter, List.of(charge(limiter, principal, recipients)))
                .map(answers -> answers.get(0));
    }

    /** A group admitted and counted in its own transaction, as the message store does before its inserts. */
    private static Uni<List<Optional<Refusal>>> inTransaction(
            Pool pool, SendingLimiter limiter, List<SendingLimiter.Charge> group) {
        return Uni.createFrom()
                .completionStage(() -> pool.getDelegate()
                        .withTransaction(tx -> limiter.admit(tx, group)
                                .compose(a -> a.counted().map(x -> a.answers())))
                        .toCompletionStage());
    }

    @jakarta.inject.Inject
    dev.mailgate.config.MailgateConfig config;

    @Test
    void tokenClaimOverridesConfigWhichOverridesDefaults() {
        Identity plain = identity("someone");
        Identity bulk = new Identity(
                "someone",
                Optional.empty(),
                List.of(),
                Set.of("mail-send"),
                "mail-send",
                java.util.Map.of("messages-per-minute", 5000, "recipients-per-day", 7));
        assertThat(SendingLimiter.windows(config.limits(), plain))
                .containsExactly(new SendingLimiter.Window(
                        "messages", Duration.ofMinutes(1), config.limits().messagesPerMinute()));
        assertThat(SendingLimiter.windows(config.limits(), bulk))
                .containsExactly(
                        new SendingLimiter.Window("messages", Duration.ofMinutes(1), 5000),
                        new SendingLimiter.Window("recipients", Duration.ofDays(1), 7));
    }

    private static Identity identity(String principal) {
        return new Identity(principal, Optional.empty(), List.of(), Set.of("mail-send"), "mail-send");
    }

    private static Pool pool(Vertx vertx) {
        PostgresServer pg = PostgresServer.shared();
        URI uri = URI.create(pg.reactiveUrl());
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setDatabase(uri.getPath().substring(1))
                .setUser(pg.username())
                .setPassword(pg.password());
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
