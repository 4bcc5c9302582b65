package dev.mailgate.audit;

import dev.mailgate.config.MailgateConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes audit rows older than {@code mailgate.audit.retention} (default 90 days), and expired rows of
 * the policy tables (auth failures older than a day, finished lockouts, counters of past windows), every
 * {@code mailgate.audit.retention-every}. Several instances may run it at once: deletes are idempotent.
 */
@ApplicationScoped
public class AuditRetention {

    private static final Logger LOG = Logger.getLogger(AuditRetention.class);

    private final Pool pool;
    private final MailgateConfig config;

    public AuditRetention(Pool pool, MailgateConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(
            every = "${mailgate.audit.retention-every:1h}",
            delayed = "30s",
            identity = "audit-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().onFailure()
                .invoke(f -> LOG.warnf("audit retention failed: %s", f.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Runs the purge now; answers the number of audit rows deleted. */
    public Uni<Integer> purge() {
        double seconds = config.audit().retention().toSeconds();
        return pool.preparedQuery(
                        "DELETE FROM audit_event WHERE occurred_at < now() - make_interval(secs => $1::float8)")
                .execute(Tuple.of(seconds))
                .map(rows -> rows.rowCount())
                .call(() -> pool.query("DELETE FROM policy_auth_failure WHERE failed_at < now() - interval '1 day'")
                        .execute())
                .call(() -> pool.query("DELETE FROM policy_lockout WHERE locked_until < now()")
                        .execute())
                .call(() -> pool.query("DELETE FROM policy_rate_counter WHERE window_start < now() - interval '2 days'")
                        .execute())
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof(
                                "audit retention: deleted %d rows older than %s",
                                n, config.audit().retention());
                    }
                });
    }
}
