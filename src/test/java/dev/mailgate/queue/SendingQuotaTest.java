package dev.mailgate.queue;

import dev.mailgate.mail.SendingLimit;
import dev.mailgate.testsupport.PostgresServer;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quota works inside the caller's transaction; here each call is its own transaction, as a
 * group of one. Two "instances" of the quota — each with its own Vert.x and its own connection pool, as two
 * mailgate processes would have — share one PostgreSQL. (Quarkus boots once so that Flyway has
 * created the tables; the quotas under test are built by hand.)
 */
@QuarkusTest
class SendingQuotaTest {

    @Test
    void twoInstancesTogetherLetThroughOneHundredOfThreeHundred() {
        String principal = "limit-" + UUID.randomUUID();
        Vertx vertxA = Vertx.vertx();
        Vertx vertxB = Vertx.vertx();
        Pool poolA = pool(vertxA);
        Pool poolB = pool(vertxB);
        try {
            SendingLimit perMinute = new SendingLimit("messages", Duration.ofMinutes(1), 100);
            SendingQuota a = new SendingQuota();
            SendingQuota b = new SendingQuota();
            // stay inside one minute window: start right after a minute boundary if we are close to the next one
            long intoMinute = System.currentTimeMillis() % 60_000;
            if (intoMinute > 45_000) {
                sleep(60_000 - intoMinute + 200);
            }
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Uni<Optional<SendingQuota.Exceeded>>> attempts = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                SendingQuota quota = i % 2 == 0 ? a : b;
                attempts.add(acquire(i % 2 == 0 ? poolA : poolB, quota, charge(principal, 1, perMinute))
                        .invoke(r -> {
                            if (r.isPresent()) {
                                assertThat(r.get().limit()).isEqualTo(perMinute);
                                assertThat(r.get().retryAfterSeconds()).isBetween(1L, 60L);
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
    void recipientsCountAndAMessageOverTheLimitCountsNothing() {
        String principal = "rcpt-" + UUID.randomUUID();
        Vertx vertx = Vertx.vertx();
        Pool pool = pool(vertx);
        try {
            SendingQuota quota = new SendingQuota();
            SendingLimit perDay = new SendingLimit("recipients", Duration.ofDays(1), 10);
            assertThat(acquire(pool, quota, charge(principal, 6, perDay))
                            .await()
                            .indefinitely())
                    .isEmpty();
            Optional<SendingQuota.Exceeded> over =
                    acquire(pool, quota, charge(principal, 6, perDay)).await().indefinitely();
            assertThat(over).isPresent();
            assertThat(over.get().limit()).isEqualTo(perDay);
            // a refused attempt counts nothing: 4 more still fit
            assertThat(acquire(pool, quota, charge(principal, 4, perDay))
                            .await()
                            .indefinitely())
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
            SendingQuota quota = new SendingQuota();
            SendingLimit[] limits = {
                new SendingLimit("messages", Duration.ofHours(1), 4),
                new SendingLimit("recipients", Duration.ofHours(1), 6)
            };
            // recipients: 2, 3 (=5), 2 (would be 7: refused), 1 (=6), then messages are at 3 and recipients full
            List<SendingQuota.Charge> group = List.of(
                    charge(principal, 2, limits),
                    charge(principal, 3, limits),
                    charge(principal, 2, limits),
                    charge(other, 5, limits),
                    charge(principal, 1, limits),
                    charge(principal, 1, limits));
            List<Optional<SendingQuota.Exceeded>> answers =
                    inTransaction(pool, quota, group).await().indefinitely();
            assertThat(answers).extracting(Optional::isPresent).containsExactly(false, false, true, false, false, true);
            assertThat(answers.get(2).get().limit()).isEqualTo(limits[1]);

            // what was counted is committed: one more message with one recipient no longer fits, and a
            // group whose transaction rolls back counts nothing
            assertThat(Uni.createFrom()
                            .completionStage(() -> pool.getDelegate()
                                    .withTransaction(tx -> quota.admit(tx, List.of(charge(other, 1, limits)))
                                            .compose(a -> a.counted())
                                            .compose(x -> io.vertx.core.Future.failedFuture(
                                                    new IllegalStateException("roll back"))))
                                    .toCompletionStage())
                            .onFailure()
                            .recoverWithNull()
                            .await()
                            .indefinitely())
                    .isNull();
            assertThat(acquire(pool, quota, charge(principal, 1, limits))
                            .await()
                            .indefinitely())
                    .isPresent();
            assertThat(acquire(pool, quota, charge(other, 1, limits)).await().indefinitely())
                    .isEmpty();
            assertThat(acquire(pool, quota, charge(other, 1, limits)).await().indefinitely())
                    .isPresent();
        } finally {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    private static SendingQuota.Charge charge(String principal, int recipients, SendingLimit... limits) {
        return new SendingQuota.Charge(principal, recipients, List.of(limits));
    }

    /** One message as a group of one, in its own transaction. */
    private static Uni<Optional<SendingQuota.Exceeded>> acquire(
            Pool pool, SendingQuota quota, SendingQuota.Charge charge) {
        return inTransaction(pool, quota, List.of(charge)).map(answers -> answers.get(0));
    }

    /** A group admitted and counted in its own transaction, as the message store does before its inserts. */
    private static Uni<List<Optional<SendingQuota.Exceeded>>> inTransaction(
            Pool pool, SendingQuota quota, List<SendingQuota.Charge> group) {
        return Uni.createFrom()
                .completionStage(() -> pool.getDelegate()
                        .withTransaction(tx ->
                                quota.admit(tx, group).compose(a -> a.counted().map(x -> a.answers())))
                        .toCompletionStage());
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
