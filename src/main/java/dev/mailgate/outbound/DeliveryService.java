package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.queue.DeliveryLedger;
import dev.mailgate.queue.MessageStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
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
    private final MessageStore store;
    private final DeliveryEngineFactory engines;
    private final DeliveryMetrics metrics;
    private final DeliveryLedger ledger;
    private final FreshMessages fresh;
    private volatile DeliveryEngine local;
    private long statsTimer = -1;

    public DeliveryService(
            MailgateConfig config,
            Vertx vertx,
            Pool pool,
            MessageStore store,
            DeliveryEngineFactory engines,
            DeliveryMetrics metrics,
            FreshMessages fresh) {
        this.config = config;
        this.vertx = vertx;
        this.store = store;
        this.engines = engines;
        this.metrics = metrics;
        this.fresh = fresh;
        this.ledger = new DeliveryLedger(pool);
    }

    void onStart(@Observes StartupEvent event) {
        statsTimer = vertx.setPeriodic(15_000, t -> refreshStats());
        if (!config.delivery().enabled()) {
            LOG.info("outbound delivery is disabled in this instance (mailgate.delivery.enabled=false)");
            return;
        }
        local = engines.create(
                ledger,
                fresh,
                MailgateConfig.localHostName() + "-" + UUID.randomUUID(),
                config.delivery().workers());
        // A message committed here goes out without waiting for the timer, and its first attempt takes it
        // from memory. Only instances that deliver keep copies: nobody else would take them.
        store.onCommitted(stored -> {
            stored.forEach(fresh::keep);
            local.poll();
        });
        local.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (statsTimer != -1) {
            vertx.cancelTimer(statsTimer);
        }
        if (local != null) {
            local.stop();
        }
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
}
