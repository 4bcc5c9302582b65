package dev.mailgate.queue;

import dev.mailgate.mail.SendingLimit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sending quota, counted where the messages are stored: for SMTP and the API together and for every
 * instance on the same database, in fixed windows (aligned to the epoch) in {@code policy_rate_counter}.
 * It works inside the transaction that stores the messages ({@link MessageStore}): it locks the counters a
 * group of messages needs (in a fixed order, so instances never deadlock each other), admits the messages
 * in order while they fit, adds what it admitted, and the same COMMIT makes counts and messages durable
 * together. PostgreSQL's row locks serialise concurrent groups and instances, so a limit holds exactly;
 * a message over a limit counts nothing and is answered with the limit and the seconds until its window
 * ends. Which limits apply to a sender is policy's decision ({@code policy.SendingLimits}).
 */
public final class SendingQuota {

    /** Creates the counter if missing and locks it; {@code now()} is the transaction's, one window for the group. */
    private static final String LOCK = "INSERT INTO policy_rate_counter AS c (principal, kind, window_start, used)"
            + " VALUES ($1, $2, to_timestamp(floor(extract(epoch FROM now()) / $3::float8) * $3::float8), 0)"
            + " ON CONFLICT (principal, kind, window_start) DO UPDATE SET used = c.used"
            + " RETURNING used";

    private static final String ADD = "UPDATE policy_rate_counter SET used = used + $4"
            + " WHERE principal = $1 AND kind = $2"
            + " AND window_start = to_timestamp(floor(extract(epoch FROM now()) / $3::float8) * $3::float8)";

    /** What one message would use: its sender's limits and its recipient count. */
    public record Charge(String principal, int recipients, List<SendingLimit> limits) {
        public Charge {
            limits = List.copyOf(limits);
        }

        int amount(SendingLimit limit) {
            return limit.what().equals("recipients") ? recipients : 1;
        }
    }

    /** A message over {@code limit}: it may fit again in {@code retryAfterSeconds}, when the window ends. */
    public record Exceeded(SendingLimit limit, long retryAfterSeconds) {}

    /**
     * Per charge, nothing (admitted) or the limit it exceeds; and the statement that counts the admitted
     * ones, already sent on the connection: the caller's next statements and COMMIT follow it without waiting.
     */
    record Admission(List<Optional<Exceeded>> answers, Future<?> counted) {}

    private record Counter(String principal, SendingLimit limit) {
        Counter {
            Objects.requireNonNull(principal);
        }

        /** The counter's name in {@code policy_rate_counter}, e.g. {@code messages/PT1M}. */
        String kind() {
            return limit.what() + "/" + limit.window();
        }

        double windowSeconds() {
            return limit.window().toSeconds();
        }
    }

    private static final Comparator<Counter> LOCK_ORDER =
            Comparator.comparing(Counter::principal).thenComparing(Counter::kind);

    /**
     * Inside the caller's transaction: locks the counters the charges touch, admits the charges in order
     * while every limit they touch still has room, and sends the statement that counts the admitted ones.
     * Vert.x futures, not Unis, so that statements are sent as soon as they are asked for (pipelined).
     */
    Future<Admission> admit(SqlConnection transaction, List<Charge> charges) {
        TreeMap<Counter, Integer> used = new TreeMap<>(LOCK_ORDER);
        for (Charge charge : charges) {
            charge.limits().forEach(l -> used.put(new Counter(charge.principal(), l), 0));
        }
        if (used.isEmpty()) {
            return Future.succeededFuture(new Admission(
                    charges.stream().map(c -> Optional.<Exceeded>empty()).toList(), Future.succeededFuture()));
        }
        List<Counter> counters = new ArrayList<>(used.keySet());
        List<Tuple> lock = counters.stream()
                .map(c -> Tuple.of(c.principal(), c.kind(), c.windowSeconds()))
                .toList();
        return transaction.preparedQuery(LOCK).executeBatch(lock).map(rows -> {
            RowSet<Row> result = rows;
            for (Counter counter : counters) {
                used.put(counter, result.iterator().next().getInteger("used"));
                result = result.next();
            }
            Map<Counter, Integer> added = new TreeMap<>(LOCK_ORDER);
            List<Optional<Exceeded>> answers = new ArrayList<>();
            for (Charge charge : charges) {
                Optional<SendingLimit> full = charge.limits().stream()
                        .filter(l -> used.get(new Counter(charge.principal(), l)) + charge.amount(l) > l.limit())
                        .findFirst();
                answers.add(full.map(SendingQuota::exceeded));
                if (full.isEmpty()) {
                    for (SendingLimit l : charge.limits()) {
                        Counter counter = new Counter(charge.principal(), l);
                        used.merge(counter, charge.amount(l), Integer::sum);
                        added.merge(counter, charge.amount(l), Integer::sum);
                    }
                }
            }
            List<Tuple> add = added.entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> Tuple.of(
                            e.getKey().principal(),
                            e.getKey().kind(),
                            e.getKey().windowSeconds(),
                            e.getValue()))
                    .toList();
            Future<?> counted = add.isEmpty()
                    ? Future.succeededFuture()
                    : transaction.preparedQuery(ADD).executeBatch(add);
            return new Admission(answers, counted);
        });
    }

    /** Windows start at multiples of their length since the epoch, as the counters' {@code window_start}. */
    private static Exceeded exceeded(SendingLimit limit) {
        long windowMillis = limit.window().toMillis();
        long retry = Math.max(1, (windowMillis - System.currentTimeMillis() % windowMillis + 999) / 1000);
        return new Exceeded(limit, retry);
    }
}
