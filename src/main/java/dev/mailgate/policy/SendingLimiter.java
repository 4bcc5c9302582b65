package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Per-principal sending limits, for SMTP and the API together and for every instance on the same
 * database: messages and recipients per minute, hour and day in fixed windows, counted in
 * {@code policy_rate_counter}. The limiter works inside the transaction that stores the messages
 * ({@link dev.mailgate.queue.MessageStore}): it locks the counters a group of messages needs (in a fixed
 * order, so instances never deadlock each other), admits the messages in order while they fit, adds what
 * it admitted, and the same COMMIT makes counts and messages durable together. PostgreSQL's row locks
 * serialise concurrent groups and instances, so a limit holds exactly; a refused message counts nothing.
 * A refusal is {@code 451 4.7.1} / HTTP 429 with the seconds until that window ends. Limits come from
 * {@code mailgate.limits.*}, overridden per principal by {@code mailgate.limits.principal."<name>".*} and
 * by the token's limits claim.
 */
@ApplicationScoped
public class SendingLimiter {

    /** Creates the counter if missing and locks it; {@code now()} is the transaction's, one window for the group. */
    private static final String LOCK = "INSERT INTO policy_rate_counter AS c (principal, kind, window_start, used)"
            + " VALUES ($1, $2, to_timestamp(floor(extract(epoch FROM now()) / $3::float8) * $3::float8), 0)"
            + " ON CONFLICT (principal, kind, window_start) DO UPDATE SET used = c.used"
            + " RETURNING used";

    private static final String ADD = "UPDATE policy_rate_counter SET used = used + $4"
            + " WHERE principal = $1 AND kind = $2"
            + " AND window_start = to_timestamp(floor(extract(epoch FROM now()) / $3::float8) * $3::float8)";

    /** One limit: {@code limit} of {@code what} (messages or recipients) per {@code window}. */
    public record Window(String what, Duration window, int limit) {
        String kind() {
            return what + "/" + window;
        }
    }

    /** What one message would use: its principal's applicable windows and its recipient count. */
    public record Charge(String principal, int recipients, List<Window> windows) {
        public static final Charge NONE = new Charge("", 0, List.of());

        public Charge {
            windows = List.copyOf(windows);
        }

        int amount(Window w) {
            return w.what().equals("recipients") ? recipients : 1;
        }
    }

    private record Counter(String principal, Window window) {
        Counter {
            Objects.requireNonNull(principal);
        }
    }

    private static final Comparator<Counter> LOCK_ORDER = Comparator.comparing(Counter::principal)
            .thenComparing(c -> c.window().kind());

    private final Function<Identity, List<Window>> windows;
    private final MeterRegistry metrics;

    @Inject
    public SendingLimiter(MailgateConfig config, MeterRegistry metrics) {
        this(identity -> windows(config.limits(), identity), metrics);
    }

    public SendingLimiter(Function<Identity, List<Window>> windows, MeterRegistry metrics) {
        this.windows = windows;
        this.metrics = metrics;
    }

    /** The charge for one message of {@code recipients} recipients sent by this identity. */
    public Charge charge(Identity identity, int recipients) {
        return new Charge(identity.principal(), recipients, windows.apply(identity));
    }

    /**
     * Per charge, nothing (admitted) or its refusal; and the statement that counts the admitted ones,
     * already sent on the connection: the caller's next statements and COMMIT follow it without waiting.
     */
    public record Admission(List<Optional<Refusal>> answers, Future<?> counted) {}

    /**
     * Inside the caller's transaction: locks the counters the charges touch, admits the charges in order
     * while every window they touch still has room, and sends the statement that counts the admitted ones.
     * Vert.x futures, not Unis, so that statements are sent as soon as they are asked for (pipelined).
     */
    public Future<Admission> admit(SqlConnection transaction, List<Charge> charges) {
        TreeMap<Counter, Integer> used = new TreeMap<>(LOCK_ORDER);
        for (Charge charge : charges) {
            charge.windows().forEach(w -> used.put(new Counter(charge.principal(), w), 0));
        }
        if (used.isEmpty()) {
            return Future.succeededFuture(new Admission(
                    charges.stream().map(c -> Optional.<Refusal>empty()).toList(), Future.succeededFuture()));
        }
        List<Counter> counters = new ArrayList<>(used.keySet());
        List<Tuple> lock = counters.stream()
                .map(c -> Tuple.of(c.principal(), c.window().kind(), (double)
                        c.window().window().toSeconds()))
                .toList();
        return transaction.preparedQuery(LOCK).executeBatch(lock).map(rows -> {
            RowSet<Row> result = rows;
            for (Counter counter : counters) {
                used.put(counter, result.iterator().next().getInteger("used"));
                result = result.next();
            }
            Map<Counter, Integer> added = new TreeMap<>(LOCK_ORDER);
            List<Optional<Refusal>> answers = new ArrayList<>();
            for (Charge charge : charges) {
                Optional<Window> full = charge.windows().stream()
                        .filter(w -> used.get(new Counter(charge.principal(), w)) + charge.amount(w) > w.limit())
                        .findFirst();
                answers.add(full.map(this::refusal));
                if (full.isEmpty()) {
                    for (Window w : charge.windows()) {
                        Counter counter = new Counter(charge.principal(), w);
                        used.merge(counter, charge.amount(w), Integer::sum);
                        added.merge(counter, charge.amount(w), Integer::sum);
                    }
                }
            }
            List<Tuple> add = added.entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> Tuple.of(
                            e.getKey().principal(),
                            e.getKey().window().kind(),
                            (double) e.getKey().window().window().toSeconds(),
                            e.getValue()))
                    .toList();
            Future<?> counted = add.isEmpty()
                    ? Future.succeededFuture()
                    : transaction.preparedQuery(ADD).executeBatch(add);
            return new Admission(answers, counted);
        });
    }

    private Refusal refusal(Window w) {
        metrics.counter(
                        "mailgate.limits.hits",
                        "what",
                        w.what(),
                        "window",
                        w.window().toString())
                .increment();
        long windowMillis = w.window().toMillis();
        long retry = Math.max(1, (windowMillis - System.currentTimeMillis() % windowMillis + 999) / 1000);
        return Refusal.rateLimited(w.limit() + " " + w.what() + " per " + describe(w.window()), retry);
    }

    private static String describe(Duration window) {
        return window.equals(Duration.ofMinutes(1))
                ? "minute"
                : window.equals(Duration.ofHours(1))
                        ? "hour"
                        : window.equals(Duration.ofDays(1)) ? "day" : window.toString();
    }

    /** The limits of one identity: its token claim first, then {@code mailgate.limits.principal."<name>"}, then the defaults. */
    static List<Window> windows(MailgateConfig.Limits limits, Identity identity) {
        MailgateConfig.PrincipalLimits own = limits.principal().get(identity.principal());
        Map<String, Integer> claim = identity.limits();
        List<Window> out = new ArrayList<>();
        add(
                out,
                "messages",
                Duration.ofMinutes(1),
                pick(
                        claim,
                        "messages-per-minute",
                        own == null ? null : own.messagesPerMinute(),
                        Optional.of(limits.messagesPerMinute())));
        add(
                out,
                "messages",
                Duration.ofHours(1),
                pick(claim, "messages-per-hour", own == null ? null : own.messagesPerHour(), limits.messagesPerHour()));
        add(
                out,
                "messages",
                Duration.ofDays(1),
                pick(claim, "messages-per-day", own == null ? null : own.messagesPerDay(), limits.messagesPerDay()));
        add(
                out,
                "recipients",
                Duration.ofMinutes(1),
                pick(
                        claim,
                        "recipients-per-minute",
                        own == null ? null : own.recipientsPerMinute(),
                        limits.recipientsPerMinute()));
        add(
                out,
                "recipients",
                Duration.ofHours(1),
                pick(
                        claim,
                        "recipients-per-hour",
                        own == null ? null : own.recipientsPerHour(),
                        limits.recipientsPerHour()));
        add(
                out,
                "recipients",
                Duration.ofDays(1),
                pick(
                        claim,
                        "recipients-per-day",
                        own == null ? null : own.recipientsPerDay(),
                        limits.recipientsPerDay()));
        return out;
    }

    private static Optional<Integer> pick(
            Map<String, Integer> claim, String name, Optional<Integer> own, Optional<Integer> global) {
        if (claim.containsKey(name)) {
            return Optional.of(claim.get(name));
        }
        return own != null && own.isPresent() ? own : global;
    }

    private static void add(List<Window> out, String what, Duration window, Optional<Integer> limit) {
        limit.filter(l -> l > 0).ifPresent(l -> out.add(new Window(what, window, l)));
    }
}
