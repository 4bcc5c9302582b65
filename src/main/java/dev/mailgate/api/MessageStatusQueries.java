package dev.mailgate.api;

import dev.mailgate.api.SendResponses.Attempt;
import dev.mailgate.api.SendResponses.MessageStatus;
import dev.mailgate.api.SendResponses.RecipientStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads a message's delivery status for the API: the message, each recipient's state and every
 * attempt, in two statements (no raw bytes are loaded). Visibility is part of the query: a message
 * of another principal is simply not found, unless the caller may see all.
 */
@ApplicationScoped
public class MessageStatusQueries {

    private static final String MESSAGE = """
            SELECT id, received_at, envelope_sender, size, message_id
              FROM message WHERE id = $1 AND ($2 OR principal = $3)
            """;

    private static final String RECIPIENTS = """
            SELECT r.id, r.address, r.state, r.attempts, r.next_attempt_at, r.last_reply, r.updated_at,
                   a.attempted_at, a.mx_host, a.remote_reply, a.tls, a.outcome
              FROM recipient r LEFT JOIN delivery_attempt a ON a.recipient_id = r.id
             WHERE r.message_id = $1
             ORDER BY r.id, a.attempted_at, a.id
            """;

    private static final String ADDRESSES = "SELECT address FROM recipient WHERE message_id = $1 ORDER BY id";

    private final Pool pool;

    public MessageStatusQueries(Pool pool) {
        this.pool = pool;
    }

    /** The recipient addresses of a committed message, in the order they were given. */
    public Uni<List<String>> recipientAddresses(UUID id) {
        return pool.preparedQuery(ADDRESSES).execute(Tuple.of(id)).map(rows -> {
            List<String> addresses = new ArrayList<>();
            rows.forEach(r -> addresses.add(r.getString("address")));
            return addresses;
        });
    }

    /** The status, if the message exists and {@code principal} (or an admin) may see it. */
    public Uni<Optional<MessageStatus>> find(UUID id, String principal, boolean admin) {
        return pool.preparedQuery(MESSAGE)
                .execute(Tuple.of(id, admin, principal))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<MessageStatus>empty());
                    }
                    Row m = rows.iterator().next();
                    return pool.preparedQuery(RECIPIENTS).execute(Tuple.of(id)).map(rrows -> {
                        Map<Long, Row> recipients = new LinkedHashMap<>();
                        Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
                        for (Row r : rrows) {
                            long rid = r.getLong("id");
                            recipients.putIfAbsent(rid, r);
                            List<Attempt> list = attempts.computeIfAbsent(rid, k -> new ArrayList<>());
                            if (r.getValue("attempted_at") != null) {
                                list.add(new Attempt(
                                        instant(r, "attempted_at"),
                                        r.getString("mx_host"),
                                        r.getString("remote_reply"),
                                        r.getString("tls"),
                                        r.getString("outcome")));
                            }
                        }
                        List<RecipientStatus> out = new ArrayList<>();
                        for (Map.Entry<Long, Row> e : recipients.entrySet()) {
                            Row r = e.getValue();
                            String state = r.getString("state");
                            boolean finished = !state.equals("queued") && !state.equals("deferred");
                            out.add(new RecipientStatus(
                                    r.getString("address"),
                                    state,
                                    r.getInteger("attempts"),
                                    finished ? null : instant(r, "next_attempt_at"),
                                    r.getString("last_reply"),
                                    instant(r, "updated_at"),
                                    attempts.get(e.getKey())));
                        }
                        return Optional.of(new MessageStatus(
                                m.getUUID("id"),
                                overall(out),
                                instant(m, "received_at"),
                                m.getString("envelope_sender"),
                                m.getLong("size"),
                                m.getString("message_id"),
                                out));
                    });
                });
    }

    /** The message's overall status from its recipients' states (see {@link MessageStatus#status()}). */
    static String overall(List<RecipientStatus> recipients) {
        boolean anyOpen = false;
        boolean anyAttempt = false;
        boolean anyDelivered = false;
        boolean allDelivered = true;
        for (RecipientStatus r : recipients) {
            boolean open = r.status().equals("queued") || r.status().equals("deferred");
            anyOpen |= open;
            anyAttempt |= r.attemptCount() > 0 || !r.status().equals("queued");
            anyDelivered |= r.status().equals("delivered");
            allDelivered &= r.status().equals("delivered");
        }
        if (anyOpen) {
            return anyAttempt ? "sending" : "queued";
        }
        if (allDelivered) {
            return "delivered";
        }
        return anyDelivered ? "partial" : "failed";
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
