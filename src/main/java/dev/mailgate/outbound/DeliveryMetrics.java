package dev.mailgate.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/** Delivery counters and queue gauges, exported at /q/metrics. */
@Singleton
public final class DeliveryMetrics {

    private final Counter delivered;
    private final Counter deferred;
    private final Counter bounced;
    private final Counter failed;
    private final Counter attempts;
    private final Counter dsns;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    public DeliveryMetrics(MeterRegistry registry) {
        delivered = Counter.builder("mailgate.delivery.recipients")
                .tag("outcome", "delivered")
                .description("Recipients delivered")
                .register(registry);
        deferred = Counter.builder("mailgate.delivery.recipients")
                .tag("outcome", "deferred")
                .description("Recipient attempts that ended in a temporary failure")
                .register(registry);
        bounced = Counter.builder("mailgate.delivery.recipients")
                .tag("outcome", "bounced")
                .description("Recipients refused permanently")
                .register(registry);
        failed = Counter.builder("mailgate.delivery.recipients")
                .tag("outcome", "failed")
                .description("Recipients given up after the maximum queue age")
                .register(registry);
        attempts = Counter.builder("mailgate.delivery.attempts")
                .description("Delivery attempts (per recipient)")
                .register(registry);
        dsns = Counter.builder("mailgate.delivery.dsn")
                .description("Delivery status notifications queued")
                .register(registry);
        Gauge.builder("mailgate.queue.depth", depth, AtomicLong::get)
                .description("Recipients queued or deferred")
                .register(registry);
        Gauge.builder("mailgate.queue.oldest.age.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("Age of the oldest message with a recipient still to deliver")
                .register(registry);
    }

    public void outcome(dev.mailgate.queue.RecipientState state) {
        attempts.increment();
        switch (state) {
            case DELIVERED -> delivered.increment();
            case DEFERRED -> deferred.increment();
            case BOUNCED -> bounced.increment();
            case FAILED -> failed.increment();
            default -> {}
        }
    }

    public void dsn() {
        dsns.increment();
    }

    public void queue(long depthNow, long oldestSeconds) {
        depth.set(depthNow);
        oldestAgeSeconds.set(oldestSeconds);
    }
}
