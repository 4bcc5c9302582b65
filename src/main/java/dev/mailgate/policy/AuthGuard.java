package dev.mailgate.policy;

import dev.mailgate.audit.AuditEvent;
import dev.mailgate.audit.AuditLog;
import dev.mailgate.config.MailgateConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jboss.logging.Logger;

/**
 * Brute-force protection for AUTH, shared by all instances through PostgreSQL (tables
 * {@code policy_auth_failure} and {@code policy_lockout}; the database clock decides windows).
 *
 * <ul>
 * <li>Per client address: {@code mailgate.limits.auth-failures} failures within
 * {@code auth-failure-window} lock the address for {@code auth-lockout}: {@code 421 4.7.0} on connect,
 * {@code 454 4.7.0} on AUTH. Every attempt during the lockout counts as a failure and extends it.</li>
 * <li>Per principal (the user name the client claimed): {@code auth-failures-per-principal} failures
 * from any addresses lock the principal, but only for addresses that have themselves failed for it
 * within the window. The owner logging in from a clean address is never locked out by an attacker.</li>
 * </ul>
 * If the database cannot be asked, attempts are allowed (the credential check still runs) and logged.
 * A "not locked" answer is trusted for one second ({@link NotLockedOutCache}): lockouts set by this
 * instance apply at once, those of other instances within that second.
 */
@ApplicationScoped
public class AuthGuard {

    private static final Logger LOG = Logger.getLogger(AuthGuard.class);

    private static final String ADDRESS_LOCKED = "SELECT locked_until FROM policy_lockout"
            + " WHERE scope = 'address' AND subject = $1 AND locked_until > now()";

    private static final String MAY_TRY = "SELECT"
            + " EXISTS (SELECT 1 FROM policy_lockout WHERE scope = 'address' AND subject = $1 AND locked_until > now())"
            + " OR ($2 <> '' AND EXISTS (SELECT 1 FROM policy_lockout WHERE scope = 'principal' AND subject = $2"
            + "     AND locked_until > now())"
            + "   AND EXISTS (SELECT 1 FROM policy_auth_failure WHERE scope = 'principal' AND subject = $2"
            + "     AND client_address = $1 AND failed_at > now() - make_interval(secs => $3::float8))) AS locked";

    private static final String RECORD =
            "INSERT INTO policy_auth_failure (scope, subject, client_address) VALUES ($1, $2, $3)";

    private static final String LOCK = "INSERT INTO policy_lockout (scope, subject, locked_until)"
            + " SELECT $1, $2, now() + make_interval(secs => $3::float8)"
            + " WHERE (SELECT count(*) FROM policy_auth_failure WHERE scope = $1 AND subject = $2"
            + "        AND failed_at > now() - make_interval(secs => $4::float8)) >= $5::int"
            + " ON CONFLICT (scope, subject) DO UPDATE SET locked_until = GREATEST(policy_lockout.locked_until, EXCLUDED.locked_until)"
            + " RETURNING locked_until";

    private final NotLockedOutCache clear = new NotLockedOutCache(1000, System::currentTimeMillis);
    private final Pool pool;
    private final MailgateConfig.Limits limits;
    private final AuditLog audit;
    private final MeterRegistry metrics;

    public AuthGuard(Pool pool, MailgateConfig config, AuditLog audit, MeterRegistry metrics) {
        this.pool = pool;
        this.limits = config.limits();
        this.audit = audit;
        this.metrics = metrics;
    }

    /** Until when the address is locked out, or null. */
    public Uni<Instant> addressLockedUntil(String address) {
        String key = "address|" + address;
        if (clear.holds(key)) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery(ADDRESS_LOCKED)
                .execute(Tuple.of(address))
                .map(rows -> {
                    if (rows.size() == 0) {
                        clear.remember(key);
                        return null;
                    }
                    return rows.iterator().next().getOffsetDateTime(0).toInstant();
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf("lockout check for %s failed, allowing: %s", address, failure.getMessage());
                    return null;
                });
    }

    /** Whether this address may try to authenticate as {@code user} (may be empty) now. */
    public Uni<Boolean> mayTry(String address, String user) {
        String key = "try|" + address + "|" + (user == null ? "" : user);
        if (clear.holds(key)) {
            return Uni.createFrom().item(true);
        }
        return pool.preparedQuery(MAY_TRY)
                .execute(Tuple.of(address, user == null ? "" : user, windowSeconds()))
                .map(rows -> {
                    boolean allowed = !rows.iterator().next().getBoolean("locked");
                    if (allowed) {
                        clear.remember(key);
                    }
                    return allowed;
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf("lockout check for %s failed, allowing: %s", address, failure.getMessage());
                    return true;
                });
    }

    /** Records one failed attempt; starts or extends lockouts past the thresholds (each one audited). */
    public Uni<Void> failed(String address, String user, String door) {
        String principal = user == null ? "" : user;
        clear.forgetAll(); // before and after: no clear answer read meanwhile may outlive this failure
        return pool.withTransaction(connection -> record(connection, "address", address, address)
                        .chain(() -> principal.isEmpty()
                                ? Uni.createFrom().voidItem()
                                : record(connection, "principal", principal, address))
                        .chain(() -> lock(connection, "address", address, limits.authFailures()))
                        .chain(addressUntil -> (principal.isEmpty()
                                        ? Uni.createFrom().<Instant>nullItem()
                                        : lock(connection, "principal", principal, limits.authFailuresPerPrincipal()))
                                .map(principalUntil -> new Instant[] {addressUntil, principalUntil})))
                .invoke(locked -> {
                    if (locked[0] != null) {
                        lockout("address", address, principal, address, door, locked[0]);
                    }
                    if (locked[1] != null) {
                        lockout("principal", principal, principal, address, door, locked[1]);
                    }
                })
                .onFailure()
                .invoke(failure -> LOG.warnf("could not record auth failure of %s: %s", address, failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .eventually(clear::forgetAll)
                .replaceWithVoid();
    }

    private void lockout(String scope, String subject, String principal, String address, String door, Instant until) {
        metrics.counter("mailgate.auth.lockouts", "scope", scope).increment();
        audit.record(new AuditEvent(
                Instant.now(),
                "auth.lockout",
                principal.isEmpty() ? null : principal,
                address,
                door,
                null,
                "scope=" + scope + " subject=" + subject + " until=" + until));
    }

    private Uni<Void> record(SqlConnection connection, String scope, String subject, String address) {
        return connection
                .preparedQuery(RECORD)
                .execute(Tuple.of(scope, subject, address))
                .replaceWithVoid();
    }

    private Uni<Instant> lock(SqlConnection connection, String scope, String subject, int threshold) {
        return connection
                .preparedQuery(LOCK)
                .execute(
                        Tuple.of(scope, subject, (double) limits.authLockout().toSeconds(), windowSeconds(), threshold))
                .map(AuthGuard::firstInstant);
    }

    private static Instant firstInstant(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        OffsetDateTime t = rows.iterator().next().getOffsetDateTime(0);
        return t.toInstant();
    }

    private double windowSeconds() {
        return limits.authFailureWindow().toSeconds();
    }
}
