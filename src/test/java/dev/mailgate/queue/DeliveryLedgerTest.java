package dev.mailgate.queue;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.testsupport.Enqueue;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class DeliveryLedgerTest {

    @Inject
    MessageStore store;

    @Inject
    Pool pool;

    private DeliveryLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new DeliveryLedger(pool);
    }

    @Test
    void twoConcurrentWorkersNeverClaimTheSameRecipient() {
        int messages = 60;
        int perMessage = 5;
        List<Uni<Void>> stores = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            List<String> rcpts = IntStream.range(0, perMessage)
                    .mapToObj(i -> "r" + i + "@claim.test")
                    .toList();
            stores.add(Enqueue.withoutLimits(
                    store,
                    new NewMessage(
                            UUID.randomUUID(),
                            Instant.now().minusSeconds(1),
                            "p",
                            "127.0.0.1",
                            Door.API,
                            Envelope.simple("p@example.com", rcpts),
                            "x".getBytes(),
                            Optional.empty())));
        }
        Uni.join().all(stores).andFailFast().await().atMost(Duration.ofSeconds(30));

        ConcurrentLinkedQueue<Long> claimedByA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> claimedByB = new ConcurrentLinkedQueue<>();
        Thread a = new Thread(() -> drain("worker-a", claimedByA));
        Thread b = new Thread(() -> drain("worker-b", claimedByB));
        a.start();
        b.start();
        join(a);
        join(b);

        List<Long> all = new ArrayList<>(claimedByA);
        all.addAll(claimedByB);
        assertThat(all).doesNotHaveDuplicates();
        // both workers took part, and together they took every due recipient (others' rows may exist too)
        assertThat(claimedByA).isNotEmpty();
        assertThat(claimedByB).isNotEmpty();
        assertThat(all.size()).isGreaterThanOrEqualTo(messages * perMessage);
        // once leased, nothing is due any more
        assertThat(ledger.claimDue("worker-c", 1000, Duration.ofMinutes(5))
                        .await()
                        .atMost(Duration.ofSeconds(10)))
                .isEmpty();
    }

    private void drain(String worker, ConcurrentLinkedQueue<Long> sink) {
        while (true) {
            List<ClaimedRecipient> batch =
                    ledger.claimDue(worker, 7, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(10));
            if (batch.isEmpty()) {
                return;
            }
            batch.forEach(r -> sink.add(r.id()));
        }
    }

    private static void join(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
