package dev.mailgate.queue;

import dev.mailgate.audit.AuditEventEntity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The durable queue. {@link #store} commits a message, all its recipients and its audit line in
 * one transaction and completes only after COMMIT, so a 250/202 is never given for a message that
 * a crash could lose. {@link #claimDue} leases due recipients with {@code FOR UPDATE SKIP LOCKED},
 * so any number of workers and instances on one database never take the same recipient twice.
 */
@ApplicationScoped
public class MessageStore {

    private static final String CLAIM_DUE = """
            UPDATE recipient r
               SET claimed_by = $1, claimed_until = now() + make_interval(secs => $3)
              FROM (SELECT id FROM recipient
                     WHERE state IN ('queued', 'deferred')
                       AND next_attempt_at <= now()
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY next_attempt_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED) due
             WHERE r.id = due.id
            RETURNING r.id, r.message_id, r.address, r.domain, r.attempts, r.state, r.dsn_notify, r.dsn_orcpt
            """;

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;
    private final Vertx vertx;

    public MessageStore(Mutiny.SessionFactory sessions, Pool pool, Vertx vertx) {
        this.sessions = sessions;
        this.pool = pool;
        this.vertx = vertx;
    }

    /** Stores the message and every recipient atomically; the Uni completes after the commit. */
    public Uni<MessageEntity> store(NewMessage message) {
        MessageEntity entity = toEntity(message);
        List<Object> rows = new ArrayList<>();
        rows.add(entity);
        for (EnvelopeRecipient rcpt : message.envelope().recipients()) {
            rows.add(toRecipient(message, rcpt));
        }
        rows.add(acceptedAudit(message));
        return SafeContext.run(vertx,
                () -> sessions.withTransaction((session, tx) -> session.persistAll(rows.toArray()))
                        .replaceWith(() -> entity));
    }

    /** The message with this id, or null. */
    public Uni<MessageEntity> find(UUID id) {
        return SafeContext.run(vertx, () -> sessions.withSession(s -> s.find(MessageEntity.class, id)));
    }

    /** Recipients of a message, in the order they were given. */
    public Uni<List<RecipientEntity>> recipients(UUID messageId) {
        return SafeContext.run(vertx, () -> sessions.withSession(s -> s
                .createSelectionQuery("from RecipientEntity where messageId = :id order by id", RecipientEntity.class)
                .setParameter("id", messageId)
                .getResultList()));
    }

    /**
     * Leases up to {@code limit} due recipients (queued or deferred, next attempt reached, not leased
     * by a live worker) to {@code worker} for {@code lease}. One statement, so the claim is its own
     * short transaction: rows locked by another claimer are skipped, never waited for or taken twice.
     */
    public Uni<List<ClaimedRecipient>> claimDue(String worker, int limit, Duration lease) {
        double seconds = lease.toMillis() / 1000.0;
        return pool.preparedQuery(CLAIM_DUE).execute(Tuple.of(worker, limit, seconds))
                .map(rows -> {
                    List<ClaimedRecipient> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new ClaimedRecipient(row.getLong("id"), row.getUUID("message_id"),
                                row.getString("address"), row.getString("domain"), row.getInteger("attempts"),
                                RecipientState.valueOf(row.getString("state").toUpperCase(java.util.Locale.ROOT)),
                                row.getString("dsn_notify"), row.getString("dsn_orcpt")));
                    }
                    return claimed;
                });
    }

    private static MessageEntity toEntity(NewMessage message) {
        MessageEntity entity = new MessageEntity();
        entity.id = message.id();
        entity.receivedAt = message.receivedAt();
        entity.principal = message.principal();
        entity.clientAddress = message.clientAddress();
        entity.door = message.door().label();
        entity.envelopeSender = message.envelope().sender();
        entity.size = message.raw().length;
        entity.raw = message.raw();
        entity.messageId = message.messageId().orElse(null);
        entity.bodyType = message.envelope().body().orElse(null);
        entity.smtputf8 = message.envelope().smtpUtf8();
        entity.dsnRet = message.envelope().ret().orElse(null);
        entity.dsnEnvid = message.envelope().envid().orElse(null);
        return entity;
    }

    private static RecipientEntity toRecipient(NewMessage message, EnvelopeRecipient rcpt) {
        RecipientEntity r = new RecipientEntity();
        r.messageId = message.id();
        r.address = rcpt.address();
        r.domain = rcpt.domain();
        r.state = RecipientState.QUEUED;
        r.attempts = 0;
        r.nextAttemptAt = message.receivedAt();
        r.dsnNotify = rcpt.dsnNotify().orElse(null);
        r.dsnOrcpt = rcpt.dsnOrcpt().orElse(null);
        r.updatedAt = message.receivedAt();
        return r;
    }

    /** The "message accepted" audit line commits with the message: one is never without the other. */
    private static AuditEventEntity acceptedAudit(NewMessage message) {
        AuditEventEntity audit = new AuditEventEntity();
        audit.occurredAt = message.receivedAt();
        audit.type = "message.accepted";
        audit.principal = message.principal();
        audit.clientAddress = message.clientAddress();
        audit.door = message.door().label();
        audit.messageId = message.id();
        audit.detail = "sender=<" + message.envelope().sender() + "> recipients=" + message.envelope().recipients().size()
                + " size=" + message.raw().length;
        return audit;
    }
}
