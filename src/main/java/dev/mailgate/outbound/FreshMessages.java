package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.mail.Envelope;
import dev.mailgate.queue.DeliveryLedger.StoredMessage;
import dev.mailgate.queue.NewMessage;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Messages this instance committed moments ago, kept in memory so that their first delivery attempt need
 * not read back from PostgreSQL what was written a second earlier (the read-back was about a sixth of
 * PostgreSQL's work on the 100 KB benchmark). Only an optimisation: whatever is not here (too large,
 * too old, taken by another domain's delivery, claimed by another instance) is read from the database.
 * <p>
 * {@code DeliveryService} keeps each commit's messages here, and only in an instance that delivers:
 * where delivery is switched off nobody would take them.
 * <p>
 * The bytes are the committed ones, never changed after the commit. They take their share of the
 * {@link ContentBudget}, but only while at most a quarter of the budget is in use, so that keeping them
 * never makes an SMTP session answer 452. Entries leave when a delivery takes them or after
 * {@link #MAX_AGE}.
 */
@ApplicationScoped
public class FreshMessages {

    /** Longer than a delivery poll and its queue normally take; a backlog reads from the database instead. */
    static final Duration MAX_AGE = Duration.ofSeconds(10);

    private record Kept(StoredMessage message, long keptAtNanos) {}

    private final ContentBudget budget;
    private final LongSupplier nanoClock;
    private final Map<UUID, Kept> kept = new LinkedHashMap<>();
    private long octets;
    private long handedOut;

    @Inject
    public FreshMessages(ContentBudget budget) {
        this(budget, System::nanoTime);
    }

    FreshMessages(ContentBudget budget, LongSupplier nanoClock) {
        this.budget = budget;
        this.nanoClock = nanoClock;
    }

    /** Keeps a just-committed message for its delivery, if the budget has room to spare. */
    public void keep(NewMessage m) {
        long size = m.raw().length;
        Envelope e = m.envelope();
        // received_at is stored to the microsecond: the kept copy must say what a read-back would
        StoredMessage stored = new StoredMessage(
                m.id(),
                m.receivedAt().truncatedTo(ChronoUnit.MICROS),
                e.sender(),
                m.raw(),
                e.smtpUtf8(),
                e.body(),
                e.ret(),
                e.envid(),
                m.messageId(),
                m.door().label());
        synchronized (this) {
            long now = nanoClock.getAsLong();
            evictOlderThan(now - MAX_AGE.toNanos());
            // receiving mail needs the room more than a delivery needs to skip a read
            boolean spare = budget.fitsNow(budget.capacity() * 3 / 4 + size);
            if (!spare || kept.containsKey(m.id()) || !budget.tryReserve(size)) {
                return;
            }
            kept.put(m.id(), new Kept(stored, now));
            octets += size;
        }
    }

    /** The message if it is still here; it leaves, so a second delivery of it reads the database. */
    public Optional<StoredMessage> take(UUID id) {
        Kept k;
        synchronized (this) {
            k = kept.remove(id);
            if (k == null) {
                return Optional.empty();
            }
            octets -= k.message().raw().length;
            handedOut++;
        }
        budget.release(k.message().raw().length);
        return Optional.of(k.message());
    }

    /** Number of messages kept now. */
    public synchronized int size() {
        return kept.size();
    }

    /** How many kept messages deliveries have taken since start (each one a read PostgreSQL did not do). */
    public synchronized long handedOut() {
        return handedOut;
    }

    /** What the kept messages take of the content budget. */
    public synchronized long octets() {
        return octets;
    }

    /** Gives back what nobody took, when no new message came to push it out. */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        synchronized (this) {
            evictOlderThan(nanoClock.getAsLong() - MAX_AGE.toNanos());
        }
    }

    /** Entries are in the order they were kept, so the old ones are at the front. */
    private void evictOlderThan(long limitNanos) {
        Iterator<Kept> it = kept.values().iterator();
        while (it.hasNext()) {
            Kept k = it.next();
            if (k.keptAtNanos() - limitNanos > 0) {
                return;
            }
            it.remove();
            octets -= k.message().raw().length;
            budget.release(k.message().raw().length);
        }
    }
}
