package dev.mailgate.api;

import dev.mailgate.config.MailgateConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@code Idempotency-Key} for the send endpoints. A request first <em>claims</em> (principal, key)
 * with one {@code INSERT ... ON CONFLICT} on the primary key: of any number of concurrent duplicates
 * exactly one gets the row, so exactly one message is queued; the others read the row and answer with
 * the first answer once it is recorded (or 422 when their body differs). There is no
 * check-then-insert window.
 *
 * <p>The claiming row reserves the message id. A claim whose request died (instance crash) is taken
 * over after {@code mailgate.api.idempotency-abandon-after} unless its message exists; a message that
 * was committed but whose answer was never recorded is answered from the message store.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);

    /** Inserts the claim; takes over an expired key or an abandoned claim whose message never committed. */
    private static final String CLAIM = """
            INSERT INTO idempotency_key (principal, key, request_hash, message_id, response, created_at, reserved_message_id)
            VALUES ($1, $2, $3, NULL, NULL, now(), $4)
            ON CONFLICT (principal, key) DO UPDATE
               SET request_hash = EXCLUDED.request_hash, message_id = NULL, response = NULL,
                   created_at = now(), reserved_message_id = EXCLUDED.reserved_message_id
             WHERE idempotency_key.created_at < now() - make_interval(secs => $5)
                OR (idempotency_key.response IS NULL
                    AND idempotency_key.created_at < now() - make_interval(secs => $6)
                    AND NOT EXISTS (SELECT 1 FROM message m WHERE m.id = idempotency_key.reserved_message_id))
            RETURNING reserved_message_id
            """;

    private static final String READ = """
            SELECT k.request_hash, k.response, k.reserved_message_id,
                   EXISTS (SELECT 1 FROM message m WHERE m.id = k.reserved_message_id) AS committed
              FROM idempotency_key k
             WHERE k.principal = $1 AND k.key = $2 AND k.created_at >= now() - make_interval(secs => $3)
            """;

    private static final String COMPLETE = """
            UPDATE idempotency_key SET message_id = $4, response = $5
             WHERE principal = $1 AND key = $2 AND reserved_message_id = $3
            """;

    private static final String RELEASE = """
            DELETE FROM idempotency_key
             WHERE principal = $1 AND key = $2 AND reserved_message_id = $3 AND response IS NULL
            """;

    /** What a claim found. */
    public sealed interface Claim {
        /** This request owns the key: do the work, then {@link #complete} or {@link #release}. */
        record Owned() implements Claim {}

        /** The first request's answer (JSON of the 202). */
        record Replay(String response) implements Claim {}

        /** The first request committed message {@code id} but its answer was not recorded (yet). */
        record Committed(UUID id) implements Claim {}
    }

    private final Pool pool;
    private final MailgateConfig.Api config;

    public IdempotencyKeys(Pool pool, MailgateConfig config) {
        this.pool = pool;
        this.config = config.api();
    }

    /**
     * Claims the key for a request with this body hash that will store its message as {@code id};
     * waits (polling) up to {@code mailgate.api.idempotency-wait} for a concurrent first request to finish.
     *
     * @throws ApiProblem 422 idempotency-key-reused, 409 idempotency-in-progress
     */
    public Uni<Claim> claim(String principal, String key, String requestHash, UUID id) {
        long deadline = System.nanoTime() + config.idempotencyWait().toNanos();
        return attempt(principal, key, requestHash, id, deadline, 0);
    }

    private Uni<Claim> attempt(String principal, String key, String hash, UUID id, long deadline, int round) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(
                        principal,
                        key,
                        hash,
                        id,
                        seconds(config.idempotencyTtl()),
                        seconds(config.idempotencyAbandonAfter())))
                .flatMap(claimed -> claimed.rowCount() == 1
                        ? Uni.createFrom().<Claim>item(new Claim.Owned())
                        : existing(principal, key, hash, id, deadline, round));
    }

    private Uni<Claim> existing(String principal, String key, String hash, UUID id, long deadline, int round) {
        return pool.preparedQuery(READ)
                .execute(Tuple.of(principal, key, seconds(config.idempotencyTtl())))
                .flatMap(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        // released by a refused first request, or expired in between: claim again
                        return retryOrGiveUp(principal, key, hash, id, deadline, round, false);
                    }
                    if (!hash.equals(row.getString("request_hash"))) {
                        return Uni.createFrom().failure(ApiProblem.idempotencyKeyReused());
                    }
                    if (row.getString("response") != null) {
                        return Uni.createFrom().item(new Claim.Replay(row.getString("response")));
                    }
                    if (Boolean.TRUE.equals(row.getBoolean("committed"))) {
                        return Uni.createFrom().item(new Claim.Committed(row.getUUID("reserved_message_id")));
                    }
                    return retryOrGiveUp(principal, key, hash, id, deadline, round, true);
                });
    }

    private Uni<Claim> retryOrGiveUp(
            String principal, String key, String hash, UUID id, long deadline, int round, boolean wait) {
        if (System.nanoTime() > deadline) {
            return Uni.createFrom().failure(ApiProblem.idempotencyInProgress());
        }
        Duration pause = wait ? Duration.ofMillis(Math.min(200, 10L << Math.min(round, 5))) : Duration.ZERO;
        Uni<Claim> again = Uni.createFrom().deferred(() -> attempt(principal, key, hash, id, deadline, round + 1));
        return pause.isZero()
                ? again
                : Uni.createFrom().voidItem().onItem().delayIt().by(pause).flatMap(ignored -> again);
    }

    /** Records the answer of the owning request. */
    public Uni<Void> complete(String principal, String key, UUID id, String response) {
        return pool.preparedQuery(COMPLETE)
                .execute(Tuple.of(principal, key, id, id, response))
                .replaceWithVoid();
    }

    /** Gives the key back after a refusal (nothing was stored): the client may fix the request and retry. */
    public Uni<Void> release(String principal, String key, UUID id) {
        return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(principal, key, id))
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(failure, "could not release idempotency key of %s", principal);
                    return null;
                });
    }

    /** Expired keys go away; one statement, harmless when several instances run it. */
    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeExpired() {
        return pool.preparedQuery("DELETE FROM idempotency_key WHERE created_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of(seconds(config.idempotencyTtl())))
                .onItem()
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        LOG.infof("purged %d expired idempotency keys", rows.rowCount());
                    }
                })
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warn("could not purge expired idempotency keys", failure);
                    return null;
                });
    }

    private static Row first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
