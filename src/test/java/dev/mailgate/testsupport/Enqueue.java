package dev.mailgate.testsupport;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.queue.SendingQuota;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Puts a message straight into the queue, past the doors and their sending limits: for tests of what follows. */
public final class Enqueue {

    private Enqueue() {}

    /** A small message alice@example.com sent over SMTP to bob@example.net. */
    public static NewMessage aliceToBob(UUID id, String subject) {
        return new NewMessage(
                id,
                Instant.now(),
                "alice",
                "192.0.2.8",
                Door.SMTP_STARTTLS,
                Envelope.simple("alice@example.com", List.of("bob@example.net")),
                ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII),
                Optional.empty());
    }

    /** Completes once the message is committed. */
    public static Uni<Void> withoutLimits(MessageStore store, NewMessage message) {
        return store.store(message, new SendingQuota.Charge(message.principal(), 0, List.of()))
                .replaceWithVoid();
    }
}
