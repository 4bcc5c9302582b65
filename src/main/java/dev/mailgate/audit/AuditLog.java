package dev.mailgate.audit;

import dev.mailgate.db.SafeDuplicatedContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The audit trail: every event is logged at once (category {@code mailgate.audit}) and written to
 * the {@code audit_event} table in batches, so a busy SMTP listener pays one insert per batch rather
 * than one round trip per connection. "Message accepted" is not written here: it commits in the same
 * transaction as the message itself (see MessageStore).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("mailgate.audit");
    private static final org.jboss.logmanager.Logger AUDIT_LOGGER =
            org.jboss.logmanager.Logger.getLogger("mailgate.audit");
    private static final Duration FLUSH_EVERY = Duration.ofMillis(200);
    private static final int MAX_BATCH = 500;

    private final Mutiny.SessionFactory sessions;
    private final Vertx vertx;
    private final ConcurrentLinkedQueue<AuditEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private long timer = -1;

    public AuditLog(Mutiny.SessionFactory sessions, Vertx vertx) {
        this.sessions = sessions;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(
                FLUSH_EVERY.toMillis(),
                id -> flush().subscribe()
                        .with(
                                x -> {},
                                failure -> LOG.warnf("audit flush failed, will retry: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        flush().await().atMost(Duration.ofSeconds(5));
    }

    public void record(AuditEvent event) {
        log(event);
        pending.add(event);
    }

    /**
     * The audit line, with its fields also attached to the log record itself, so JSON logging
     * (quarkus-logging-json) emits them as {@code mdc} fields. Set on the record rather than through
     * the thread's MDC, which on a Vert.x event loop does not reach the record.
     */
    private static void log(AuditEvent event) {
        if (!AUDIT_LOGGER.isLoggable(java.util.logging.Level.INFO)) {
            return;
        }
        String message = "type=" + event.type() + " principal=" + event.principal() + " client=" + event.clientAddress()
                + " door=" + event.door() + " message=" + event.messageId() + " detail=" + event.detail();
        org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(
                java.util.logging.Level.INFO,
                message,
                org.jboss.logmanager.ExtLogRecord.FormatStyle.NO_FORMAT,
                AuditLog.class.getName());
        record.setLoggerName(AUDIT_LOGGER.getName());
        record.putMdc("audit.type", event.type());
        putIfPresent(record, "principal", event.principal());
        putIfPresent(record, "client_address", event.clientAddress());
        putIfPresent(record, "door", event.door());
        putIfPresent(
                record,
                "message_id",
                event.messageId() == null ? null : event.messageId().toString());
        AUDIT_LOGGER.logRaw(record);
    }

    private static void putIfPresent(org.jboss.logmanager.ExtLogRecord record, String key, String value) {
        if (value != null) {
            record.putMdc(key, value);
        }
    }

    /** Writes what is pending; completes once it is committed. */
    public Uni<Void> flush() {
        if (pending.isEmpty() || !flushing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        List<AuditEventEntity> batch = new ArrayList<>();
        AuditEvent event;
        while (batch.size() < MAX_BATCH && (event = pending.poll()) != null) {
            batch.add(toEntity(event));
        }
        return SafeDuplicatedContext.run(
                        vertx, () -> sessions.withTransaction((s, tx) -> s.persistAll(batch.toArray())))
                .onFailure()
                .invoke(failure -> batch.forEach(e -> pending.add(fromEntity(e))))
                .eventually(() -> flushing.set(false))
                .replaceWithVoid();
    }

    private static AuditEventEntity toEntity(AuditEvent event) {
        AuditEventEntity e = new AuditEventEntity();
        e.occurredAt = event.at();
        e.type = event.type();
        e.principal = event.principal();
        e.clientAddress = event.clientAddress();
        e.door = event.door();
        e.messageId = event.messageId();
        e.detail = event.detail();
        return e;
    }

    private static AuditEvent fromEntity(AuditEventEntity e) {
        return new AuditEvent(e.occurredAt, e.type, e.principal, e.clientAddress, e.door, e.messageId, e.detail);
    }
}
