package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.dkim.DkimKeys;
import dev.mailgate.queue.ClaimedRecipient;
import dev.mailgate.queue.DeliveryLedger;
import dev.mailgate.queue.DeliveryLedger.AttemptInfo;
import dev.mailgate.queue.DeliveryLedger.Outcome;
import dev.mailgate.queue.DeliveryLedger.StoredMessage;
import dev.mailgate.queue.RecipientState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One pool of delivery workers: claims due recipients (leased with {@code FOR UPDATE SKIP LOCKED}),
 * groups them by message and recipient domain, runs at most {@code workers} deliveries at a time,
 * and records each outcome through the {@link DeliveryLedger}. Driven by a Vert.x periodic timer
 * and by completions; never blocks an event loop.
 */
public final class DeliveryEngine {

    private static final Logger LOG = Logger.getLogger(DeliveryEngine.class);
    private static final int SIGN_INLINE_LIMIT = 128 * 1024;

    /** The knobs of one engine. */
    public record Settings(
            int workers,
            Duration pollInterval,
            int batchSize,
            Duration lease,
            Duration retryInitial,
            Duration retryMax,
            Duration maxAge,
            String reportingMta,
            Optional<Duration> delayNotice) {

        public Settings(
                int workers,
                Duration pollInterval,
                int batchSize,
                Duration lease,
                Duration retryInitial,
                Duration retryMax,
                Duration maxAge,
                String reportingMta) {
            this(
                    workers,
                    pollInterval,
                    batchSize,
                    lease,
                    retryInitial,
                    retryMax,
                    maxAge,
                    reportingMta,
                    Optional.empty());
        }
    }

    /** Loaded, signed and dot-stuffed: the copies of a message one delivery holds at its peak. */
    static final int COPIES_IN_FLIGHT = 3;

    private record Group(UUID messageId, String domain, List<ClaimedRecipient> recipients, long claimedAtNanos) {
        long heapNeeded() {
            return COPIES_IN_FLIGHT * recipients.get(0).messageSize();
        }
    }

    private final Vertx vertx;
    private final FreshMessages fresh;
    private final DeliveryLedger ledger;
    private final Transport transport;
    private final DkimKeys dkim;
    private final Settings settings;
    private final String workerId;
    private final DeliveryMetrics metrics;

    private final Deque<Group> pending = new ArrayDeque<>();
    private int inFlight;
    private final ContentBudget budget;
    private boolean polling;
    /** Something may be due that no claim has looked for yet (a commit, a full claim, a skipped look). */
    private boolean mayBeDue;

    private boolean stopped;
    private long timer = -1;

    public DeliveryEngine(
            Vertx vertx,
            DeliveryLedger ledger,
            FreshMessages fresh,
            Transport transport,
            DkimKeys dkim,
            Settings settings,
            String workerId,
            DeliveryMetrics metrics,
            ContentBudget budget) {
        this.budget = budget;
        this.vertx = vertx;
        this.fresh = fresh;
        this.ledger = ledger;
        this.transport = transport;
        this.dkim = dkim;
        this.settings = settings;
        this.workerId = workerId;
        this.metrics = metrics;
    }

    public void start() {
        timer = vertx.setPeriodic(Math.max(10, settings.pollInterval().toMillis()), t -> poll());
        LOG.infof("delivery worker pool %s started: %d workers", workerId, settings.workers());
    }

    public void stop() {
        List<Group> unstarted;
        synchronized (this) {
            stopped = true;
            unstarted = new ArrayList<>(pending);
            pending.clear();
        }
        unstarted.forEach(this::releaseLater);
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        transport.close();
    }

    /**
     * Looks for due work now: called by the timer, when this instance commits a message, and after a
     * delivery if more may be due. A claim scans the due index past every recipient delivered since the
     * last vacuum, so claiming after every delivery (as before) cost PostgreSQL more than the inserts
     * under load; now a claim runs only when something may be waiting.
     */
    public void poll() {
        int limit;
        synchronized (this) {
            mayBeDue = true;
            if (stopped || polling || !pending.isEmpty() || inFlight >= settings.workers()) {
                pump();
                return;
            }
            polling = true;
            mayBeDue = false; // anything committed from here on sets it again
            // claim no more than free workers can start soon: claimed work waits under a lease
            limit = Math.max(1, Math.min(settings.batchSize(), (settings.workers() - inFlight) * 8));
        }
        ledger.claimDue(workerId, limit, settings.lease())
                .subscribe()
                .with(
                        claimed -> {
                            long now = System.nanoTime();
                            Map<String, Group> groups = new LinkedHashMap<>();
                            for (ClaimedRecipient r : claimed) {
                                groups.computeIfAbsent(
                                                r.messageId() + "|" + r.domain(),
                                                k -> new Group(r.messageId(), r.domain(), new ArrayList<>(), now))
                                        .recipients()
                                        .add(r);
                            }
                            boolean again;
                            synchronized (this) {
                                polling = false;
                                pending.addAll(groups.values());
                                if (claimed.size() >= limit) {
                                    mayBeDue = true; // a full claim: there may be more behind it
                                }
                                again = mayBeDue;
                            }
                            pump();
                            if (again) {
                                poll();
                            }
                        },
                        e -> {
                            synchronized (this) {
                                polling = false;
                                mayBeDue = true;
                            }
                            LOG.warnf("claiming due recipients failed: %s", e.toString());
                        });
    }

    private void pump() {
        while (true) {
            Group g;
            synchronized (this) {
                if (stopped || inFlight >= settings.workers() || pending.isEmpty()) {
                    return;
                }
                g = pending.poll();
                if (System.nanoTime() - g.claimedAtNanos() > settings.lease().toNanos() / 2) {
                    // waited too long: the lease could run out mid-delivery and another worker
                    // deliver it too. Give it back instead.
                    releaseLater(g);
                    continue;
                }
                if (!budget.admit(g.heapNeeded(), inFlight == 0)) {
                    pending.addFirst(g); // a delivery that ends makes room and pumps again
                    return;
                }
                inFlight++;
            }
            deliver(g).subscribe().with(v -> done(g), e -> {
                LOG.warnf(
                        e,
                        "delivery of %s to %s failed unexpectedly; the lease will expire and it is retried",
                        g.messageId(),
                        g.domain());
                done(g);
            });
        }
    }

    private void releaseLater(Group g) {
        ledger.release(
                        workerId,
                        g.recipients().stream().map(ClaimedRecipient::id).toList())
                .subscribe()
                .with(
                        n -> LOG.debugf("released %d unstarted recipients of %s", n, g.messageId()),
                        e -> LOG.debugf("releasing leases failed (they expire anyway): %s", e));
    }

    private void done(Group g) {
        budget.release(g.heapNeeded());
        boolean look;
        synchronized (this) {
            inFlight--;
            look = mayBeDue;
        }
        if (look) {
            poll();
        } else {
            pump();
        }
    }

    private Uni<Void> deliver(Group g) {
        return load(g.messageId()).flatMap(stored -> {
            if (stored == null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = Instant.now();
            if (stored.raw().length > SIGN_INLINE_LIMIT) {
                // hashing a large body takes long enough to stall an event loop: do it on a worker thread
                return Uni.createFrom()
                        .item(() -> dkim.signIfKeyed(stored.raw(), now))
                        .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                        .flatMap(content -> send(g, stored, content));
            }
            return send(g, stored, dkim.signIfKeyed(stored.raw(), now));
        });
    }

    /** From memory if this instance committed it moments ago, else from the database. */
    private Uni<StoredMessage> load(UUID messageId) {
        Optional<StoredMessage> kept = fresh.take(messageId);
        return kept.isPresent() ? Uni.createFrom().item(kept.get()) : ledger.load(messageId);
    }

    private Uni<Void> send(Group g, StoredMessage stored, byte[] content) {
        {
            List<OutboundMessage.Rcpt> rcpts = g.recipients().stream()
                    .map(r -> new OutboundMessage.Rcpt(
                            r.address(), Optional.ofNullable(r.dsnNotify()), Optional.ofNullable(r.dsnOrcpt())))
                    .toList();
            boolean eightBit =
                    stored.bodyType().map(b -> b.equalsIgnoreCase("8BITMIME")).orElse(false);
            OutboundMessage m = new OutboundMessage(
                    stored.sender(), rcpts, content, stored.smtpUtf8(), eightBit, stored.ret(), stored.envid());
            return transport.deliver(g.domain(), m).flatMap(attempt -> record(g, stored, attempt));
        }
    }

    private Uni<Void> record(Group g, StoredMessage stored, Attempt attempt) {
        Instant now = Instant.now();
        List<Outcome> outcomes = new ArrayList<>();
        List<DsnBuilder.Failed> failed = new ArrayList<>();
        List<DsnBuilder.Failed> delayed = new ArrayList<>();
        boolean notifiable = !stored.sender().isEmpty() && !"dsn".equals(stored.door());
        for (int i = 0; i < g.recipients().size(); i++) {
            ClaimedRecipient r = g.recipients().get(i);
            RecipientResult result = i < attempt.results().size()
                    ? attempt.results().get(i)
                    : new RecipientResult(r.address(), RecipientResult.Kind.TEMPORARY, "451 4.3.0 no result", "4.3.0");
            RecipientState state;
            Instant next = now;
            String reply = result.reply();
            String status = result.status();
            switch (result.kind()) {
                case DELIVERED -> state = RecipientState.DELIVERED;
                case PERMANENT -> state = RecipientState.BOUNCED;
                default -> {
                    Duration backoff = backoff(r.attempts());
                    if (Duration.between(stored.receivedAt(), now.plus(backoff)).compareTo(settings.maxAge()) > 0) {
                        state = RecipientState.FAILED;
                        reply = reply + " (giving up: queued longer than " + settings.maxAge() + ")";
                        status = status.startsWith("4.") ? status : "4.4.7";
                    } else {
                        state = RecipientState.DEFERRED;
                        next = now.plus(backoff);
                    }
                }
            }
            boolean delayNotice = state == RecipientState.DEFERRED
                    && notifiable
                    && settings.delayNotice().isPresent()
                    && Duration.between(stored.receivedAt(), now)
                                    .compareTo(settings.delayNotice().get())
                            >= 0
                    && DsnBuilder.wantsDelayNotice(r.dsnNotify());
            if (delayNotice) {
                delayed.add(new DsnBuilder.Failed(
                        r.address(),
                        Optional.ofNullable(r.dsnOrcpt()),
                        "delayed",
                        status,
                        reply,
                        attempt.mxHost(),
                        now));
            }
            outcomes.add(new Outcome(r, state, next, reply, delayNotice));
            if ((state == RecipientState.BOUNCED || state == RecipientState.FAILED)
                    && DsnBuilder.wantsFailureNotice(r.dsnNotify())) {
                failed.add(new DsnBuilder.Failed(
                        r.address(),
                        Optional.ofNullable(r.dsnOrcpt()),
                        "failed",
                        status,
                        reply,
                        attempt.mxHost(),
                        now));
            }
        }
        Optional<DeliveryLedger.Dsn> dsn = Optional.empty();
        // never a bounce of a bounce: no DSN for the null sender <> (RFC 5321 §4.5.5, RFC 3464)
        if (!failed.isEmpty() && notifiable) {
            dsn = dsn(stored, failed, now);
        }
        Optional<DeliveryLedger.Dsn> delayDsn = delayed.isEmpty() ? Optional.empty() : dsn(stored, delayed, now);
        boolean withDsn = dsn.isPresent();
        return ledger.record(workerId, new AttemptInfo(now, attempt.mxHost(), attempt.tls()), outcomes, dsn, delayDsn)
                .invoke(changed -> {
                    outcomes.forEach(o -> metrics.outcome(o.state()));
                    if (withDsn) {
                        metrics.dsn();
                    }
                    if (changed < outcomes.size()) {
                        LOG.warnf(
                                "%d of %d recipients of %s were no longer leased by %s",
                                outcomes.size() - changed, outcomes.size(), g.messageId(), workerId);
                    }
                })
                .replaceWithVoid();
    }

    private Optional<DeliveryLedger.Dsn> dsn(StoredMessage stored, List<DsnBuilder.Failed> about, Instant now) {
        UUID id = UUID.randomUUID();
        try {
            byte[] raw = DsnBuilder.build(settings.reportingMta(), stored, about, id, now);
            return Optional.of(new DeliveryLedger.Dsn(
                    id,
                    raw,
                    stored.sender(),
                    Optional.of("<" + id + "@" + settings.reportingMta() + ">"),
                    DsnBuilder.eightBit(raw) ? "8BITMIME" : "7BIT"));
        } catch (RuntimeException e) {
            // recording the outcome matters more: without it the lease runs out and delivered
            // recipients of this attempt would get the message again
            LOG.errorf(
                    e,
                    "could not build a DSN for %s to <%s>; the outcome is recorded without one",
                    stored.id(),
                    stored.sender());
            return Optional.empty();
        }
    }

    Duration backoff(int previousAttempts) {
        long factor = 1L << Math.min(previousAttempts, 20);
        Duration d = settings.retryInitial().multipliedBy(factor);
        return d.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : d;
    }
}
