package dev.mailgate.queue;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery side of the durable queue. {@link #claimDue} leases due recipients with
 * {@code FOR UPDATE SKIP LOCKED}, so any number of workers and instances on one database never take the
 * same recipient twice. {@link #record} writes, in one transaction, the attempt of every
 * recipient of one delivery, their new state (delivered / deferred with the next try / bounced /
 * failed), the end of their lease and, if one is due, the DSN message with its recipient. Only rows
 * still leased by the calling worker are changed, so a worker whose lease ran out cannot overwrite
 * what another one did. Plain SQL on the reactive pool: no session, safe on any context.
 */
public class DeliveryLedger {

    /** The stored message a delivery needs. */
    public record StoredMessage(
            UUID id,
            Instant receivedAt,
            String sender,
            byte[] raw,
            boolean smtpUtf8,
            Optional<String> bodyType,
            Optional<String> ret,
            Optional<String> envid,
            Optional<String> messageId,
            String door) {}

    /** The new state of one recipient after an attempt. */
    public record Outcome(
            ClaimedRecipient recipient,
            RecipientState state,
            Instant nextAttemptAt,
            String reply,
            boolean delayNotice) {

        public Outcome(ClaimedRecipient recipient, RecipientState state, Instant nextAttemptAt, String reply) {
            this(recipient, state, nextAttemptAt, reply, false);
        }
    }

    /** Where and how one attempt went. */
    public record AttemptInfo(Instant at, String mxHost, String tls) {}

    /** A DSN to queue: its bytes and the address it goes to (the original envelope sender). */
    public record Dsn(UUID id, byte[] raw, String to, Optional<String> messageId, String bodyType) {}

    /** Queue depth and the age of the oldest message still to deliver. */
    public record QueueStats(long depth, Optional<Instant> oldest) {}

    private static final String CLAIM_DUE = """
            UPDATE recipient r
               SET claimed_by = $1, claimed_until = now() + make_interval(secs => $3)
              FROM (SELECT id FROM recipient
                     WHERE state IN ('queued', 'deferred')
                       AND next_attempt_at <= now()
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY next_attempt_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED) due, message m
             WHERE r.id = due.id AND m.id = r.message_id
            RETURNING r.id, r.message_id, r.address, r.domain, r.attempts, r.state, r.dsn_notify, r.dsn_orcpt, m.size
            """;

    private static final String LOAD = """
            SELECT id, received_at, envelope_sender, raw, smtputf8, body_type, dsn_ret, dsn_envid, message_id, door
              FROM message WHERE id = $1
            """;

    /**
     * The outcome of one recipient and its attempt row in one statement: the attempt is written only
     * if this worker still held the lease (the UPDATE returned the row).
     */
    private static final String RECORD = """
            WITH o AS (SELECT id, delay_notified_at AS before FROM recipient WHERE id = $1),
                 u AS (UPDATE recipient r
                          SET state = $3, attempts = r.attempts + 1, next_attempt_at = $4, last_reply = $5,
                              claimed_by = NULL, claimed_until = NULL, updated_at = now(),
                              delay_notified_at = CASE WHEN $6 THEN coalesce(r.delay_notified_at, now())
                                                  ELSE r.delay_notified_at END
                         FROM o
                        WHERE r.id = o.id AND r.claimed_by = $2 AND r.state IN ('queued', 'deferred')
                       RETURNING r.id, ($6 AND o.before IS NULL) AS first_delay_notice),
                 a AS (INSERT INTO delivery_attempt (recipient_id, attempted_at, mx_host, remote_reply, tls, outcome, worker)
                       SELECT u.id, $7, $8, $5, $9, $3, $2 FROM u)
            SELECT id, first_delay_notice FROM u
            """;

    private static final String INSERT_MESSAGE = """
            INSERT INTO message (id, received_at, principal, client_address, door, envelope_sender, size, raw,
                                 message_id, body_type, smtputf8)
            VALUES ($1, now(), 'mailer-daemon', 'localhost', 'dsn', '', $2, $3, $4, $5, $6)
            """;

    private static final String INSERT_RECIPIENT = """
            INSERT INTO recipient (message_id, address, domain, state, attempts, next_attempt_at, dsn_notify, updated_at)
            VALUES ($1, $2, $3, 'queued', 0, now(), 'NEVER', now())
            """;

    private static final String AUDIT = """
            INSERT INTO audit_event (occurred_at, type, principal, door, message_id, detail)
            VALUES (now(), 'message.dsn', 'mailer-daemon', 'dsn', $1, $2)
            """;

    private static final String STATS = """
            SELECT count(*) AS depth, min(m.received_at) AS oldest
              FROM recipient r JOIN message m ON m.id = r.message_id
             WHERE r.state IN ('queued', 'deferred')
            """;

    private final Pool pool;

    public DeliveryLedger(Pool pool) {
        this.pool = pool;
    }

    /**
     * Leases up to {@code limit} due recipients (queued or deferred, next attempt reached, not leased
     * by a live worker) to {@code worker} for {@code lease}. One statement, so the claim is its own
     * short transaction: rows locked by another claimer are skipped, never waited for or taken twice.
     */
    public Uni<List<ClaimedRecipient>> claimDue(String worker, int limit, Duration lease) {
        double seconds = lease.toMillis() / 1000.0;
        return pool.preparedQuery(CLAIM_DUE)
                .execute(Tuple.of(worker, limit, seconds))
                .map(rows -> {
                    List<ClaimedRecipient> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new ClaimedRecipient(
                                row.getLong("id"),
                                row.getUUID("message_id"),
                                row.getString("address"),
                                row.getString("domain"),
                                row.getInteger("attempts"),
                                RecipientState.valueOf(row.getString("state").toUpperCase(java.util.Locale.ROOT)),
                                row.getString("dsn_notify"),
                                row.getString("dsn_orcpt"),
                                row.getLong("size")));
                    }
                    return claimed;
                });
    }

    /** The stored message, or null if there is none with this id. */
    public Uni<StoredMessage> load(UUID id) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            return new StoredMessage(
                    r.getUUID("id"),
                    r.getOffsetDateTime("received_at").toInstant(),
                    r.getString("envelope_sender"),
                    r.getBuffer("raw").getBytes(),
                    r.getBoolean("smtputf8"),
                    Optional.ofNullable(r.getString("body_type")),
                    Optional.ofNullable(r.getString("dsn_ret")),
                    Optional.ofNullable(r.getString("dsn_envid")),
                    Optional.ofNullable(r.getString("message_id")),
                    r.getString("door"));
        });
    }

    /**
     * Records one attempt for all its recipients and queues the DSN, atomically. Completes with the
     * number of recipients whose state this worker changed (fewer than given if a lease was lost).
     * The DSN is queued only if at least one failed recipient was still this worker's.
     */
    public Uni<Integer> record(String worker, AttemptInfo attempt, List<Outcome> outcomes, Optional<Dsn> dsn) {
        return record(worker, attempt, outcomes, dsn, Optional.empty());
    }

    /**
     * As above, plus a "delayed" DSN, queued only if at least one of the outcomes flagged
     * {@link Outcome#delayNotice()} had not been notified before (one delay notice per recipient).
     */
    public Uni<Integer> record(
            String worker, AttemptInfo attempt, List<Outcome> outcomes, Optional<Dsn> dsn, Optional<Dsn> delayDsn) {
        List<Tuple> rows = outcomes.stream()
                .map(o -> Tuple.tuple(java.util.Arrays.asList(
                        o.recipient().id(),
                        worker,
                        o.state().label(),
                        OffsetDateTime.ofInstant(o.nextAttemptAt(), ZoneOffset.UTC),
                        o.reply(),
                        o.delayNotice(),
                        OffsetDateTime.ofInstant(attempt.at(), ZoneOffset.UTC),
                        attempt.mxHost(),
                        attempt.tls())))
                .toList();
        if (dsn.isEmpty() && delayDsn.isEmpty()) {
            // no notice to queue with the outcomes: each recipient's statement stands alone (one round trip)
            return pool.preparedQuery(RECORD).executeBatch(rows).map(result -> count(result, outcomes)[0]);
        }
        return pool.withTransaction(conn -> conn.preparedQuery(RECORD)
                .executeBatch(rows)
                .flatMap(result -> {
                    int[] counts = count(result, outcomes);
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    if (dsn.isPresent() && counts[1] > 0) {
                        chain = chain.chain(() -> insertDsn(conn, dsn.get()));
                    }
                    if (delayDsn.isPresent() && counts[2] > 0) {
                        chain = chain.chain(() -> insertDsn(conn, delayDsn.get()));
                    }
                    return chain.replaceWith(counts[0]);
                }));
    }

    /** counts: [0] rows changed, [1] failed rows changed, [2] first delay notices (one result set per outcome). */
    private static int[] count(RowSet<Row> result, List<Outcome> outcomes) {
        int[] counts = new int[3];
        RowSet<Row> rows = result;
        for (Outcome o : outcomes) {
            if (rows.size() > 0) {
                counts[0]++;
                if (o.state() == RecipientState.BOUNCED || o.state() == RecipientState.FAILED) {
                    counts[1]++;
                }
                if (Boolean.TRUE.equals(rows.iterator().next().getBoolean("first_delay_notice"))) {
                    counts[2]++;
                }
            }
            rows = rows.next();
        }
        return counts;
    }

    private Uni<Void> insertDsn(SqlConnection conn, Dsn dsn) {
        String domain = dsn.to().substring(dsn.to().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        return conn.preparedQuery(INSERT_MESSAGE)
                .execute(Tuple.tuple(List.of(
                        dsn.id(),
                        (long) dsn.raw().length,
                        io.vertx.core.buffer.Buffer.buffer(dsn.raw()),
                        dsn.messageId().orElse(""),
                        dsn.bodyType(),
                        false)))
                .chain(() -> conn.preparedQuery(INSERT_RECIPIENT).execute(Tuple.of(dsn.id(), dsn.to(), domain)))
                .chain(() -> conn.preparedQuery(AUDIT).execute(Tuple.of(dsn.id(), "dsn to <" + dsn.to() + ">")))
                .replaceWithVoid();
    }

    /** Gives leases back without an attempt (work claimed but not started, e.g. at shutdown). */
    public Uni<Integer> release(String worker, List<Long> recipientIds) {
        if (recipientIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("UPDATE recipient SET claimed_by = NULL, claimed_until = NULL "
                        + "WHERE id = ANY($1) AND claimed_by = $2")
                .execute(Tuple.of(recipientIds.toArray(new Long[0]), worker))
                .map(rows -> rows.rowCount());
    }

    public Uni<QueueStats> stats() {
        return pool.query(STATS).execute().map(rows -> {
            Row r = rows.iterator().next();
            OffsetDateTime oldest = r.getOffsetDateTime("oldest");
            return new QueueStats(
                    r.getLong("depth"), Optional.ofNullable(oldest).map(OffsetDateTime::toInstant));
        });
    }
}
