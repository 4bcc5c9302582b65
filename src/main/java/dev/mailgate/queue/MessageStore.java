package dev.mailgate.queue;

import dev.mailgate.db.GroupCommit;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The durable queue. {@link #store} commits a message, all its recipients, its sending-limit counts
 * and its audit line in one transaction and completes only after COMMIT, so a 250/202 is never given
 * for a message that a crash could lose. Submissions arriving together are committed together
 * ({@link GroupCommit}): one WAL flush for many messages is what lets a small machine accept thousands
 * a second. The write path uses the reactive PostgreSQL client under Hibernate Reactive directly
 * (pipelined statements, no per-entity work). Claiming and recording deliveries is the
 * {@link DeliveryLedger}'s part of the queue.
 */
@ApplicationScoped
public class MessageStore {

    private static final String INSERT_MESSAGE = "INSERT INTO message (id, received_at, principal, client_address,"
            + " door, envelope_sender, size, raw, message_id, body_type, smtputf8, dsn_ret, dsn_envid)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    private static final String INSERT_RECIPIENT =
            "INSERT INTO recipient (message_id, address, domain, state, attempts,"
                    + " next_attempt_at, dsn_notify, dsn_orcpt, updated_at) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $4)";
    private static final String INSERT_AUDIT = "INSERT INTO audit_event (occurred_at, type, principal, client_address,"
            + " door, message_id, detail) VALUES ($1, 'message.accepted', $2, $3, $4, $5, $6)";

    /** One submission waiting for its group: the message and what it uses of its sender's limits. */
    private record Submitted(NewMessage message, SendingQuota.Charge charge) {}

    private static final Logger LOG = Logger.getLogger(MessageStore.class);

    private final Pool pool;
    private final SendingQuota quota = new SendingQuota();
    private final GroupCommit<Submitted, Optional<SendingQuota.Exceeded>> commits;
    private final List<Consumer<List<NewMessage>>> committedListeners = new CopyOnWriteArrayList<>();

    @Inject
    public MessageStore(Pool pool) {
        this.pool = pool;
        // One group in flight, up to 256 messages or 4 MB: groups of one principal would all queue on its
        // counter row anyway, and waiting in PostgreSQL's lock queue costs more than waiting here, where the
        // next group just grows (measured: 1 in flight accepts a third more than 4 on the SMTP bench).
        this.commits = new GroupCommit<>(this::write, s -> s.message().raw().length, 256, 4L << 20, 1);
    }

    /**
     * Hands {@code listener} the messages of each commit that stored some, right after it (delivery keeps
     * them and looks for due work then). Returns what stops it.
     */
    public Runnable onCommitted(Consumer<List<NewMessage>> listener) {
        committedListeners.add(listener);
        return () -> committedListeners.remove(listener);
    }

    /** After the commit the answer is 250 whatever a listener does: a failure here must not invite a resend. */
    private void tellListeners(List<NewMessage> stored) {
        for (Consumer<List<NewMessage>> listener : committedListeners) {
            try {
                listener.accept(stored);
            } catch (RuntimeException e) {
                LOG.errorf(e, "a commit listener failed; the %d committed message(s) stay accepted", stored.size());
            }
        }
    }

    /**
     * Stores the message and every recipient atomically if its sender's quota still allows it: completes
     * with nothing once the message is committed, or with the limit it exceeds (and nothing written).
     */
    public Uni<Optional<SendingQuota.Exceeded>> store(NewMessage message, SendingQuota.Charge charge) {
        return commits.submit(new Submitted(message, charge));
    }

    /**
     * One transaction per group in three round trips: BEGIN and the counter locks go out together; the
     * counts and all inserts go out together once the quota has decided; then COMMIT.
     */
    private Uni<List<Optional<SendingQuota.Exceeded>>> write(List<Submitted> group) {
        return Uni.createFrom()
                .completionStage(() -> pool.getDelegate()
                        .getConnection()
                        .compose(conn -> {
                            Future<Transaction> tx = conn.begin();
                            return quota.admit(
                                            conn,
                                            group.stream()
                                                    .map(Submitted::charge)
                                                    .toList())
                                    .compose(admission -> {
                                        List<NewMessage> admitted = new ArrayList<>();
                                        for (int i = 0; i < group.size(); i++) {
                                            if (admission.answers().get(i).isEmpty()) {
                                                admitted.add(group.get(i).message());
                                            }
                                        }
                                        Future<Void> inserted = insert(conn, admitted);
                                        return Future.all(tx, admission.counted(), inserted)
                                                .compose(all -> tx.result().commit())
                                                .map(committed -> {
                                                    if (!admitted.isEmpty()) {
                                                        tellListeners(List.copyOf(admitted));
                                                    }
                                                    return admission.answers();
                                                });
                                    })
                                    .onFailure(failure -> tx.onSuccess(Transaction::rollback))
                                    .eventually(() -> conn.close());
                        })
                        .toCompletionStage());
    }

    /** Sends the inserts for these messages on the connection without waiting between them. */
    private static Future<Void> insert(SqlConnection tx, List<NewMessage> messages) {
        if (messages.isEmpty()) {
            return Future.succeededFuture();
        }
        List<io.vertx.sqlclient.Tuple> rows = new ArrayList<>();
        List<io.vertx.sqlclient.Tuple> recipients = new ArrayList<>();
        List<io.vertx.sqlclient.Tuple> audits = new ArrayList<>();
        for (NewMessage m : messages) {
            OffsetDateTime at = m.receivedAt().atOffset(ZoneOffset.UTC);
            Envelope envelope = m.envelope();
            rows.add(io.vertx.sqlclient.Tuple.from(Arrays.asList(
                    m.id(),
                    at,
                    m.principal(),
                    m.clientAddress(),
                    m.door().label(),
                    envelope.sender(),
                    (long) m.raw().length,
                    Buffer.buffer(m.raw()),
                    m.messageId().orElse(null),
                    envelope.body().orElse(null),
                    envelope.smtpUtf8(),
                    envelope.ret().orElse(null),
                    envelope.envid().orElse(null))));
            for (EnvelopeRecipient r : envelope.recipients()) {
                recipients.add(io.vertx.sqlclient.Tuple.from(Arrays.asList(
                        m.id(),
                        r.address(),
                        r.domain(),
                        at,
                        r.dsnNotify().orElse(null),
                        r.dsnOrcpt().orElse(null))));
            }
            // the "message accepted" audit line commits with the message: one is never without the other
            audits.add(io.vertx.sqlclient.Tuple.from(Arrays.asList(
                    at,
                    m.principal(),
                    m.clientAddress(),
                    m.door().label(),
                    m.id(),
                    "sender=<" + envelope.sender() + "> recipients="
                            + envelope.recipients().size() + " size=" + m.raw().length)));
        }
        Future<?> message = tx.preparedQuery(INSERT_MESSAGE).executeBatch(rows);
        Future<?> recipient = tx.preparedQuery(INSERT_RECIPIENT).executeBatch(recipients);
        Future<?> audit = tx.preparedQuery(INSERT_AUDIT).executeBatch(audits);
        return Future.all(message, recipient, audit).mapEmpty();
    }
}
