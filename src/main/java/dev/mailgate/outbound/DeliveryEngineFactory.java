package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.config.MailgateConfig.Delivery;
import dev.mailgate.dkim.DkimKeys;
import dev.mailgate.queue.DeliveryLedger;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Builds delivery worker pools from {@code mailgate.delivery.*}: the engine's settings and the transport of
 * the configured mode (MX, relay or capture). {@link DeliveryService} starts this instance's pool with it.
 */
@ApplicationScoped
public class DeliveryEngineFactory {

    private final MailgateConfig config;
    private final Vertx vertx;
    private final DkimKeys dkim;
    private final DeliveryMetrics metrics;
    private final ContentBudget budget;

    public DeliveryEngineFactory(
            MailgateConfig config, Vertx vertx, DkimKeys dkim, DeliveryMetrics metrics, ContentBudget budget) {
        this.config = config;
        this.vertx = vertx;
        this.dkim = dkim;
        this.metrics = metrics;
        this.budget = budget;
    }

    /**
     * A pool of {@code workers} concurrent deliveries that claims and records through {@code ledger} and
     * takes just-committed messages from {@code fresh}; not started yet.
     */
    public DeliveryEngine create(DeliveryLedger ledger, FreshMessages fresh, String workerId, int workers) {
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
        return new DeliveryEngine(vertx, ledger, fresh, transport(d, helo), dkim, settings, workerId, metrics, budget);
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
}
