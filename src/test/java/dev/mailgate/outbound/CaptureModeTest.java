package dev.mailgate.outbound;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.testsupport.Enqueue;
import dev.mailgate.testsupport.StoredMail;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code mailgate.delivery.mode=capture}: the demo default writes .eml files and marks recipients delivered. */
@QuarkusTest
@TestProfile(CaptureModeTest.Capture.class)
class CaptureModeTest {

    static final Path DIR = Path.of("target", "capture-mode-test-" + UUID.randomUUID());

    public static class Capture implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mailgate.delivery.enabled",
                    "true",
                    "mailgate.delivery.mode",
                    "capture",
                    "mailgate.delivery.capture-dir",
                    DIR.toAbsolutePath().toString(),
                    // the timer never fires during the test: a message committed here must wake delivery itself
                    "mailgate.delivery.poll-interval",
                    "1h");
        }
    }

    @Inject
    MessageStore store;

    @Inject
    FreshMessages fresh;

    @Test
    void aCommittedMessageIsDeliveredAtOnceFromMemoryAndWrittenAsEmlWithItsEnvelope() throws Exception {
        String to = "c-" + UUID.randomUUID() + "@capture.test";
        byte[] raw = ("From: x@plain.test\r\nTo: " + to + "\r\nSubject: captured\r\n\r\n.dot\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
        UUID id = UUID.randomUUID();
        long takenBefore = fresh.handedOut();
        Enqueue.withoutLimits(
                        store,
                        new NewMessage(
                                id,
                                Instant.now(),
                                "tester",
                                "127.0.0.1",
                                Door.API,
                                Envelope.simple("x@plain.test", List.of(to)),
                                raw,
                                Optional.empty()))
                .await()
                .atMost(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> StoredMail.recipientStates(id).equals(List.of("delivered")));
        assertThat(fresh.handedOut())
                .as("delivery took the copy DeliveryService kept at the commit")
                .isGreaterThan(takenBefore);
        assertThat(fresh.take(id)).as("nothing is left behind").isEmpty();

        Path envelope;
        try (Stream<Path> files = Files.list(DIR)) {
            envelope = files.filter(p -> p.toString().endsWith(".envelope"))
                    .filter(p -> readQuietly(p).contains("RCPT TO:<" + to + ">"))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(Files.readString(envelope)).startsWith("MAIL FROM:<x@plain.test>\r\n");
        Path eml = envelope.resolveSibling(envelope.getFileName().toString().replace(".envelope", ".eml"));
        assertThat(Files.readAllBytes(eml)).isEqualTo(raw); // no DKIM key for plain.test: unchanged
        assertThat(StoredMail.recipients(id).get(0).lastReply()).startsWith("250 2.0.0 captured as ");

        // delivery metrics are exported
        String metrics =
                RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("mailgate_delivery_recipients_total{outcome=\"delivered\"")
                .contains("mailgate_delivery_attempts_total")
                .contains("mailgate_queue_depth")
                .contains("mailgate_queue_oldest_age_seconds");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
