package dev.mailgate.outbound;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.testsupport.Enqueue;
import dev.mailgate.testsupport.IndependentDelivery;
import dev.mailgate.testsupport.OutboundPeers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery throughput to a local sink (bench/delivery-throughput.sh runs it): M queued messages,
 * DKIM-signed (RSA 2048), delivered over SMTP with STARTTLS to subethasmtp via MX records from the
 * test DNS server, with N concurrent deliveries; measured from the start of the worker pool until
 * the database says every recipient is delivered. Skipped unless -Dbench.delivery=true.
 */
@QuarkusTest
@TestProfile(DeliveryThroughputBench.Bench.class)
@EnabledIfSystemProperty(named = "bench.delivery", matches = "true")
class DeliveryThroughputBench {

    public static class Bench implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OutboundPeers.class, Map.of("workers", "off")));
        }
    }

    @Inject
    MessageStore store;

    @Inject
    Pool pool;

    @Inject
    DeliveryEngineFactory engines;

    @Inject
    dev.mailgate.budget.ContentBudget budget;

    @Test
    void throughput() throws Exception {
        int messages = Integer.getInteger("bench.messages", 1000);
        String[] workerCounts = System.getProperty("bench.workers", "1,4,16").split(",");
        Path out = Path.of("target", "bench", "delivery-throughput.txt");
        Files.createDirectories(out.getParent());
        for (String w : workerCounts) {
            int workers = Integer.parseInt(w.trim());
            String tag = "b" + UUID.randomUUID().toString().substring(0, 6);
            List<Uni<Void>> batch = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                String to = "m" + i + "-" + tag + "@d" + (i % 5 + 1) + ".test";
                byte[] raw = ("From: <bench@rsa.test>\r\nTo: <" + to + ">\r\nSubject: bench " + i + "\r\nMessage-ID: <"
                                + UUID.randomUUID() + "@bench>\r\n\r\n" + "x".repeat(2000) + "\r\n")
                        .getBytes(StandardCharsets.UTF_8);
                batch.add(Enqueue.withoutLimits(
                                store,
                                new NewMessage(
                                        UUID.randomUUID(),
                                        Instant.now(),
                                        "bench",
                                        "127.0.0.1",
                                        Door.API,
                                        Envelope.simple("bench@rsa.test", List.of(to)),
                                        raw,
                                        Optional.empty()))
                        .replaceWithVoid());
                if (batch.size() == 100) {
                    Uni.join().all(batch).andFailFast().await().atMost(Duration.ofMinutes(2));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                Uni.join().all(batch).andFailFast().await().atMost(Duration.ofMinutes(2));
            }
            DeliveryEngine engine = IndependentDelivery.engine(engines, budget, pool, "bench-" + workers, workers);
            long start = System.nanoTime();
            engine.start();
            engine.poll();
            long delivered = 0;
            while (delivered < messages) {
                Thread.sleep(100);
                delivered = pool.preparedQuery(
                                "SELECT count(*) FROM recipient WHERE address LIKE $1 AND state = 'delivered'")
                        .execute(Tuple.of("%-" + tag + "@%"))
                        .await()
                        .atMost(Duration.ofSeconds(30))
                        .iterator()
                        .next()
                        .getLong(0);
                if (System.nanoTime() - start > Duration.ofMinutes(15).toNanos()) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            engine.stop();
            assertThat(delivered).isEqualTo(messages);
            String line = String.format(
                    java.util.Locale.ROOT,
                    "workers=%d messages=%d seconds=%.1f msgs_per_s=%.1f%n",
                    workers,
                    messages,
                    seconds,
                    messages / seconds);
            System.out.print("BENCH " + line);
            Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
