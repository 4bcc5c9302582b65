package dev.mailgate.audit;

import dev.mailgate.queue.SafeContext;
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
import org.jboss.logging.MDC;

/**
 * The audit trail: every event is logged at once (category {@code mailgate.audit}) and written to
 * the {@code audit_event} table in batches, so a busy SMTP listener pays one insert per batch rather
 * than one round trip per connection. "Message accepted" is not written here: it commits in the same
 * transaction as the message itself (see MessageStore).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("mailgate.audit");
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
        timer = vertx.setPeriodic(FLUSH_EVERY.toMillis(), id -> flush().subscribe().with(x -> {
        }, failure -> LOG.warnf("audit flush failed, will retry: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        flush().await().atMost(Duration.ofSeconds(5));
    }

    public void record(AuditEvent event) {
        // The same fields as MDC entries, so that JSON logging (quarkus-logging-json) emits them as fields.
        MDC.put("audit.type", event.type());
        putIfPresent("principal", event.principal());
        putIfPresent("client_address", event.clientAddress());
        putIfPresent("door", event.door());
        putIfPresent("message_id", event.messageId() == null ? null : event.messageId().toString());
        try {
            LOG.infof("type=%s principal=%s client=%s door=%s message=%s detail=%s", event.type(), event.principal(),
                    event.clientAddress(), event.door(), event.messageId(), event.detail());
        } finally {
            for (String key : new String[] {"audit.type", "principal", "client_address", "door", "message_id"}) {
                MDC.remove(key);
            }
        }
        pending.add(event);
    }

    private static void putIfPresent(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
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
        return SafeContext.run(vertx, () -> sessions.withTransaction((s, tx) -> s.persistAll(batch.toArray())))
                .onFailure().invoke(failure -> batch.forEach(e -> pending.add(fromEntity(e))))
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
