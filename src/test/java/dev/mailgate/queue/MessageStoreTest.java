package dev.mailgate.queue;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.mail.SendingLimit;
import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.Enqueue;
import dev.mailgate.testsupport.StoredMail;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class MessageStoreTest {

    @Inject
    MessageStore store;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Test
    void storesMessageAndRecipientsAndReadsBytesBackUnchanged() {
        // every byte value, CRLFs, a lone dot line and 8-bit text: nothing may be normalised
        byte[] raw = new byte[2048];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        byte[] header = "Received: from x\r\nSubject: caf\u00e9\r\n\r\n.\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] message = concat(header, raw);
        UUID id = UUID.randomUUID();
        NewMessage newMessage = new NewMessage(
                id,
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                "alice",
                "192.0.2.7",
                Door.SMTP_IMPLICIT_TLS,
                new Envelope(
                        "alice@example.com",
                        List.of(
                                new EnvelopeRecipient(
                                        "bob@example.net",
                                        Optional.of("SUCCESS,FAILURE"),
                                        Optional.of("rfc822;bob@example.net")),
                                EnvelopeRecipient.of("carol@Example.ORG"),
                                EnvelopeRecipient.of("dave@example.net")),
                        Optional.of("8BITMIME"),
                        false,
                        Optional.of("HDRS"),
                        Optional.of("env-1")),
                message,
                Optional.of("<m1@example.com>"));

        Enqueue.withoutLimits(store, newMessage).await().atMost(Duration.ofSeconds(10));

        Map<String, Object> read = StoredMail.message(id);
        assertThat((byte[]) read.get("raw")).isEqualTo(message);
        assertThat(read.get("size")).isEqualTo((long) message.length);
        assertThat(read.get("door")).isEqualTo("465");
        assertThat(read.get("envelope_sender")).isEqualTo("alice@example.com");
        assertThat(read.get("message_id")).isEqualTo("<m1@example.com>");
        assertThat(read.get("dsn_ret")).isEqualTo("HDRS");
        assertThat(read.get("dsn_envid")).isEqualTo("env-1");

        List<StoredMail.Recipient> recipients = StoredMail.recipients(id);
        assertThat(recipients)
                .extracting(StoredMail.Recipient::address)
                .containsExactly("bob@example.net", "carol@Example.ORG", "dave@example.net");
        assertThat(recipients)
                .extracting(StoredMail.Recipient::domain)
                .containsExactly("example.net", "example.org", "example.net");
        assertThat(recipients).allSatisfy(r -> {
            assertThat(r.state()).isEqualTo("queued");
            assertThat(r.attempts()).isZero();
        });
        assertThat(recipients.get(0).dsnNotify()).isEqualTo("SUCCESS,FAILURE");
        assertThat(recipients.get(0).dsnOrcpt()).isEqualTo("rfc822;bob@example.net");
    }

    @Test
    void messageBytesAreStoredUncompressedEvenWhenTheyCompressWell() {
        // 100 KB of one repeated line: pglz would shrink it many times over, at a CPU cost paid before the 250
        byte[] raw = ("Subject: repetitive\r\n\r\n" + "line abcdefghijklmnopqrstuvwxyz0123456789\r\n".repeat(2400))
                .getBytes(StandardCharsets.US_ASCII);
        UUID id = UUID.randomUUID();
        Enqueue.withoutLimits(
                        store,
                        new NewMessage(
                                id,
                                Instant.now(),
                                "alice",
                                "192.0.2.9",
                                Door.SMTP_STARTTLS,
                                new Envelope(
                                        "alice@example.com",
                                        List.of(EnvelopeRecipient.of("bob@example.net")),
                                        Optional.empty(),
                                        false,
                                        Optional.empty(),
                                        Optional.empty()),
                                raw,
                                Optional.empty()))
                .await()
                .atMost(Duration.ofSeconds(10));

        var row = pool.preparedQuery("SELECT pg_column_compression(raw) AS method, pg_column_size(raw) AS stored,"
                        + " octet_length(raw) AS length FROM message WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next();
        assertThat(row.getString("method")).isNull();
        assertThat(row.getInteger("length")).isEqualTo(raw.length);
        assertThat(row.getInteger("stored")).isEqualTo(raw.length);
    }

    @Test
    void aFailingCommitListenerDoesNotTurnACommittedMessageIntoARefusal() {
        UUID id = UUID.randomUUID();
        Optional<SendingQuota.Exceeded> answer = whileListening(
                stored -> {
                    throw new IllegalStateException("listener bug");
                },
                () -> store.store(Enqueue.aliceToBob(id, "committed"), new SendingQuota.Charge("alice", 1, List.of()))
                        .await()
                        .atMost(Duration.ofSeconds(10)));
        assertThat(answer)
                .as("committed, so accepted: a 451 now would make the client send it twice")
                .isEmpty();
        assertThat(stored(id)).isTrue();
    }

    @Test
    void submissionsCommittedTogetherStoreOnlyTheAdmittedAndAnswerEachOne() {
        // eight at once form groups: within a group, the quota admits in order and only the admitted are written
        String principal = "group-" + UUID.randomUUID();
        SendingLimit three = new SendingLimit("messages", Duration.ofHours(1), 3);
        List<NewMessage> messages = IntStream.range(0, 8)
                .mapToObj(i -> new NewMessage(
                        UUID.randomUUID(),
                        Instant.now(),
                        principal,
                        "192.0.2.9",
                        Door.SMTP_STARTTLS,
                        Envelope.simple("a@example.com", List.of("b@example.net")),
                        ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII),
                        Optional.empty()))
                .toList();

        Set<UUID> handedToListeners = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Optional<SendingQuota.Exceeded>> answers = whileListening(
                stored -> stored.forEach(m -> handedToListeners.add(m.id())),
                () -> Uni.join()
                        .all(messages.stream()
                                .map(m -> store.store(m, new SendingQuota.Charge(principal, 1, List.of(three))))
                                .toList())
                        .andFailFast()
                        .await()
                        .atMost(Duration.ofSeconds(30)));

        assertThat(answers).filteredOn(Optional::isEmpty).hasSize(3);
        assertThat(answers)
                .filteredOn(Optional::isPresent)
                .allSatisfy(r -> assertThat(r.get().limit()).isEqualTo(three));
        for (int i = 0; i < messages.size(); i++) {
            UUID id = messages.get(i).id();
            boolean stored = stored(id);
            assertThat(stored)
                    .as("message %d stored exactly when admitted", i)
                    .isEqualTo(answers.get(i).isEmpty());
            assertThat(StoredMail.recipients(id)).hasSize(stored ? 1 : 0);
            assertThat(handedToListeners.contains(id))
                    .as("handed on for delivery only if stored")
                    .isEqualTo(stored);
        }
    }

    private static boolean stored(UUID id) {
        return Db.count("SELECT count(*) FROM message WHERE id = ?", id) == 1;
    }

    /** Runs {@code work} with {@code listener} on the store's commits, and takes it off again. */
    private <T> T whileListening(Consumer<List<NewMessage>> listener, Supplier<T> work) {
        Runnable stop = store.onCommitted(listener);
        try {
            return work.get();
        } finally {
            stop.run();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
