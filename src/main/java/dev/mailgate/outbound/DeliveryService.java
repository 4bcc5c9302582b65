package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.config.MailgateConfig.Delivery;
import dev.mailgate.dkim.DkimKeys;
import dev.mailgate.queue.DeliveryLedger;
import dev.mailgate.queue.MessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Starts this instance's delivery worker pool (unless {@code mailgate.delivery.enabled=false}) in the
 * configured mode, and keeps the queue gauges fresh.
 */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

    private final MailgateConfig config;
    private final Vertx vertx;
    private final Pool pool;
    private final MessageStore store;
    private final Mutiny.SessionFactory sessions;
    private final DkimKeys dkim;
    private final DeliveryMetrics metrics;
    private final DeliveryLedger ledger;
    private final FreshMessages fresh;
    private final ContentBudget budget;
    private final List<DeliveryEngine> engines = new CopyOnWriteArrayList<>();
    private long statsTimer = -1;

    public DeliveryService(
            MailgateConfig config,
            Vertx vertx,
            Pool pool,
            MessageStore store,
            Mutiny.SessionFactory sessions,
            DkimKeys dkim,
            MeterRegistry registry,
            ContentBudget budget,
            FreshMessages fresh) {
        this.config = config;
        this.vertx = vertx;
        this.pool = pool;
        this.store = store;
        this.sessions = sessions;
        this.dkim = dkim;
        this.metrics = new DeliveryMetrics(registry);
        this.budget = budget;
        this.fresh = fresh;
        this.ledger = new DeliveryLedger(pool);
    }

    void onStart(@Observes StartupEvent event) {
        statsTimer = vertx.setPeriodic(15_000, t -> refreshStats());
        if (!config.delivery().enabled()) {
            LOG.info("outbound delivery is disabled in this instance (mailgate.delivery.enabled=false)");
            return;
        }
        DeliveryEngine local = newEngine(ledger, fresh, MailgateConfig.localHostName() + "-" + UUID.randomUUID());
        engines.add(local);
        // A message committed here goes out without waiting for the timer, and its first attempt takes it
        // from memory. Only instances that deliver keep copies: nobody else would take them.
        store.onCommitted(stored -> {
            stored.forEach(fresh::keep);
            local.poll();
        });
        engines.forEach(DeliveryEngine::start);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (statsTimer != -1) {
            vertx.cancelTimer(statsTimer);
        }
        engines.forEach(DeliveryEngine::stop);
    }

    /**
     * Another, independent worker pool on its own database pool and its own connections, as a second
     * instance would have (tests prove exactly-once delivery with it).
     */
    public DeliveryEngine newIndependentEngine(Pool otherPool, String workerId) {
        return newIndependentEngine(otherPool, workerId, config.delivery().workers());
    }

    /** As {@link #newIndependentEngine(Pool, String)} with its own number of concurrent deliveries (benchmarks). */
    public DeliveryEngine newIndependentEngine(Pool otherPool, String workerId, int workers) {
        DeliveryEngine e = newEngine(new DeliveryLedger(otherPool), new FreshMessages(budget), workerId, workers);
        engines.add(e);
        return e;
    }

    private DeliveryEngine newEngine(DeliveryLedger ledgerToUse, FreshMessages freshToUse, String workerId) {
        return newEngine(ledgerToUse, freshToUse, workerId, config.delivery().workers());
    }

    private DeliveryEngine newEngine(
            DeliveryLedger ledgerToUse, FreshMessages freshToUse, String workerId, int workers) {
        Delivery d = config.delivery();
        String helo = d.effectiveHeloName(config.smtp());
        DeliveryEngine.Settings settings = new DeliveryEngine.Settings(
                workers,
                d.pollInterval(),
                d.batchSize(),
                d.lease(),
                d.retryInitial(),
                d.retryMax(),
                d.maxAge(),
                helo,
                d.delayNotice());
        return new DeliveryEngine(
                vertx, ledgerToUse, freshToUse, transport(d, helo), dkim, settings, workerId, metrics, budget);
    }

    private Transport transport(Delivery d, String helo) {
        io.vertx.mutiny.core.Vertx mutinyVertx = io.vertx.mutiny.core.Vertx.newInstance(vertx);
        return switch (d.mode()) {
            case CAPTURE ->
                new CaptureTransport(
                        mutinyVertx,
                        d.captureDir()
                                .orElseThrow(
                                        () -> new IllegalStateException(
                                                "mailgate.delivery.capture-dir is required with mailgate.delivery.mode=capture")));
            case MX -> {
                MxResolver resolver = new MxResolver(mutinyVertx, d.dnsServers());
                SmtpConnector connector = new SmtpConnector(
                        vertx, helo, d.trustAll(), false, d.connectTimeout(), d.connectionReuse(), d.timeoutScale());
                MtaSts mtaSts = d.mtaSts() ? new MtaSts(vertx, resolver, d.trustAll(), d.mtaStsPort()) : null;
                yield new SmtpTransport(resolver, resolver::route, connector, d.port(), d.tls(), mtaSts);
            }
            case RELAY -> {
                String host = d.relay()
                        .host()
                        .orElseThrow(() -> new IllegalStateException(
                                "mailgate.delivery.relay.host is required with mailgate.delivery.mode=relay"));
                SmtpClientSession.Credentials credentials = d.relay()
                        .username()
                        .map(u -> new SmtpClientSession.Credentials(
                                u, d.relay().password().orElse("")))
                        .orElse(null);
                MxResolver resolver = new MxResolver(mutinyVertx, d.dnsServers());
                SmtpConnector connector = new SmtpConnector(
                        vertx,
                        helo,
                        d.trustAll(),
                        d.relay().ssl(),
                        d.connectTimeout(),
                        d.connectionReuse(),
                        d.timeoutScale(),
                        credentials);
                MxResolver.Route route = new MxResolver.Hosts(List.of(host));
                yield new SmtpTransport(
                        resolver,
                        domain -> io.smallrye.mutiny.Uni.createFrom().item(route),
                        connector,
                        d.relay().port(),
                        d.relay().ssl() ? MailgateConfig.Delivery.TlsPolicy.NONE : d.tls());
            }
        };
    }

    private void refreshStats() {
        ledger.stats()
                .subscribe()
                .with(
                        s -> metrics.queue(
                                s.depth(),
                                s.oldest()
                                        .map(o -> Math.max(
                                                0,
                                                Duration.between(o, Instant.now())
                                                        .getSeconds()))
                                        .orElse(0L)),
                        e -> LOG.debugf("queue stats: %s", e));
    }

    public DeliveryLedger ledger() {
        return ledger;
    }
}
