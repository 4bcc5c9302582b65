package dev.mailgate.outbound;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.queue.DeliveryLedger;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.testsupport.Enqueue;
import dev.mailgate.testsupport.StoredMail;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What delivery keeps of a commit in memory (FreshMessages), against the real store and database. */
@QuarkusTest
class FreshMessagesAtCommitTest {

    @Inject
    MessageStore store;

    @Inject
    FreshMessages fresh;

    @Inject
    Pool pool;

    @Test
    void aCommittedMessageKeptForItsDeliveryIsExactlyWhatTheDatabaseHas() {
        byte[] raw =
                "From: alice@example.com\r\nSubject: kept\r\n\r\n\u00e9t\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
        UUID id = UUID.randomUUID();
        // nanoseconds on purpose: PostgreSQL keeps microseconds, and the kept copy must say the same
        Instant at = Instant.parse("2026-11-27T06:00:00.123456789Z");
        Runnable stop = store.onCommitted(stored -> stored.forEach(fresh::keep)); // what DeliveryService does
        try {
            Enqueue.withoutLimits(
                            store,
                            new NewMessage(
                                    id,
                                    at,
                                    "alice",
                                    "192.0.2.8",
                                    Door.SMTP_STARTTLS,
                                    new Envelope(
                                            "alice@example.com",
                                            List.of(EnvelopeRecipient.of("bob@example.net")),
                                            Optional.of("8BITMIME"),
                                            true,
                                            Optional.of("FULL"),
                                            Optional.of("env-2")),
                                    raw,
                                    Optional.of("<kept@example.com>")))
                    .await()
                    .atMost(Duration.ofSeconds(10));
        } finally {
            stop.run();
        }

        DeliveryLedger.StoredMessage readBack =
                new DeliveryLedger(pool).load(id).await().atMost(Duration.ofSeconds(10));
        DeliveryLedger.StoredMessage kept = fresh.take(id).orElseThrow();

        assertThat(kept).usingRecursiveComparison().isEqualTo(readBack);
        assertThat(kept.raw()).isEqualTo(raw);
        assertThat(fresh.take(id)).isEmpty();
    }

    @Test
    void anInstanceThatDoesNotDeliverKeepsNoCopies() {
        // the test profile switches delivery off (mailgate.delivery.enabled=false)
        UUID id = UUID.randomUUID();
        Enqueue.withoutLimits(store, Enqueue.aliceToBob(id, "not kept")).await().atMost(Duration.ofSeconds(10));

        assertThat(StoredMail.raw(id)).isNotEmpty();
        assertThat(fresh.take(id)).isEmpty();
        assertThat(fresh.size()).isZero();
    }
}
