package dev.mailgate.policy;

import dev.mailgate.auth.Identity;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.submission.Refusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Per-principal sending limits, for SMTP and the API together and for every instance on the same
 * database: messages and recipients per minute, hour and day in fixed windows. One transaction
 * increments every applicable counter with {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE used + n <= limit
 * RETURNING}; PostgreSQL's row lock on the counter serialises concurrent instances, so a limit holds exactly.
 * A counter that would go over returns no row: the transaction rolls back (nothing counted) and the
 * submission is refused with {@code 451 4.7.1} / HTTP 429 and the seconds until that window ends.
 * Limits come from {@code mailgate.limits.*}, overridden per principal by
 * {@code mailgate.limits.principal."<name>".*}. If the database cannot be asked the message is let
 * through (the store will answer for the database anyway).
 */
@ApplicationScoped
public class SendingLimiter {

    private static final Logger LOG = Logger.getLogger(SendingLimiter.class);

    private static final String INCREMENT = "INSERT INTO policy_rate_counter AS c (principal, kind, window_start, used)"
            + " SELECT $1, $2, to_timestamp(floor(extract(epoch FROM now()) / $3::float8) * $3::float8), $4::int"
            + " WHERE $4::int <= $5::int"
            + " ON CONFLICT (principal, kind, window_start) DO UPDATE SET used = c.used + EXCLUDED.used"
            + " WHERE c.used + EXCLUDED.used <= $5::int"
            + " RETURNING used";

    /** One limit: {@code limit} of {@code what} (messages or recipients) per {@code window}. */
    public record Window(String what, Duration window, int limit) {
        String kind() {
            return what + "/" + window;
        }
    }

    private static final class OverLimit extends RuntimeException {
        final Window window;

        OverLimit(Window window) {
            super(null, null, false, false);
            this.window = window;
        }
    }

    private final Pool pool;
    private final Function<Identity, List<Window>> windows;
    private final MeterRegistry metrics;

    @Inject
    public SendingLimiter(Pool pool, MailgateConfig config, MeterRegistry metrics) {
        this(pool, identity -> windows(config.limits(), identity), metrics);
    }

    public SendingLimiter(Pool pool, Function<Identity, List<Window>> windows, MeterRegistry metrics) {
        this.pool = pool;
        this.windows = windows;
        this.metrics = metrics;
    }

    /** Counts one message with {@code recipients} recipients for the identity's principal, or refuses it. */
    public Uni<Optional<Refusal>> acquire(Identity identity, int recipients) {
        String principal = identity.principal();
        List<Window> applicable = windows.apply(identity);
        if (applicable.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.withTransaction(connection -> increment(connection, principal, recipients, applicable, 0))
                .map(x -> Optional.<Refusal>empty())
                .onFailure(OverLimit.class).recoverWithItem(failure -> {
                    Window w = ((OverLimit) failure).window;
                    metrics.counter("mailgate.limits.hits", "what", w.what(), "window", w.window().toString()).increment();
                    long windowMillis = w.window().toMillis();
                    long retry = Math.max(1, (windowMillis - System.currentTimeMillis() % windowMillis + 999) / 1000);
                    return Optional.of(Refusal.rateLimited(w.limit() + " " + w.what() + " per " + describe(w.window()), retry));
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("sending limit check for %s failed, letting the message through: %s", principal,
                            failure.getMessage());
                    return Optional.empty();
                });
    }

    private Uni<Void> increment(SqlConnection connection, String principal, int recipients, List<Window> list, int i) {
        if (i == list.size()) {
            return Uni.createFrom().voidItem();
        }
        Window w = list.get(i);
        int n = w.what().equals("recipients") ? recipients : 1;
        return connection.preparedQuery(INCREMENT)
                .execute(Tuple.of(principal, w.kind(), (double) w.window().toSeconds(), n, w.limit()))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().failure(new OverLimit(w))
                        : increment(connection, principal, recipients, list, i + 1));
    }

    private static String describe(Duration window) {
        return window.equals(Duration.ofMinutes(1)) ? "minute" : window.equals(Duration.ofHours(1)) ? "hour"
                : window.equals(Duration.ofDays(1)) ? "day" : window.toString();
    }

    /** The limits of one identity: its token claim first, then {@code mailgate.limits.principal."<name>"}, then the defaults. */
    static List<Window> windows(MailgateConfig.Limits limits, Identity identity) {
        MailgateConfig.PrincipalLimits own = limits.principal().get(identity.principal());
        Map<String, Integer> claim = identity.limits();
        List<Window> out = new ArrayList<>();
        add(out, "messages", Duration.ofMinutes(1), pick(claim, "messages-per-minute",
                own == null ? null : own.messagesPerMinute(), Optional.of(limits.messagesPerMinute())));
        add(out, "messages", Duration.ofHours(1), pick(claim, "messages-per-hour",
                own == null ? null : own.messagesPerHour(), limits.messagesPerHour()));
        add(out, "messages", Duration.ofDays(1), pick(claim, "messages-per-day",
                own == null ? null : own.messagesPerDay(), limits.messagesPerDay()));
        add(out, "recipients", Duration.ofMinutes(1), pick(claim, "recipients-per-minute",
                own == null ? null : own.recipientsPerMinute(), limits.recipientsPerMinute()));
        add(out, "recipients", Duration.ofHours(1), pick(claim, "recipients-per-hour",
                own == null ? null : own.recipientsPerHour(), limits.recipientsPerHour()));
        add(out, "recipients", Duration.ofDays(1), pick(claim, "recipients-per-day",
                own == null ? null : own.recipientsPerDay(), limits.recipientsPerDay()));
        return out;
    }

    private static Optional<Integer> pick(Map<String, Integer> claim, String name, Optional<Integer> own,
            Optional<Integer> global) {
        if (claim.containsKey(name)) {
            return Optional.of(claim.get(name));
        }
        return own != null && own.isPresent() ? own : global;
    }

    private static void add(List<Window> out, String what, Duration window, Optional<Integer> limit) {
        limit.filter(l -> l > 0).ifPresent(l -> out.add(new Window(what, window, l)));
    }
}
