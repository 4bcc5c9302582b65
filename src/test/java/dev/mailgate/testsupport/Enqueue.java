package dev.mailgate.testsupport;

import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.queue.SendingQuota;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Puts a message straight into the queue, past the doors and their sending limits: for tests of what follows. */
public final class Enqueue {

    private Enqueue() {}

    /** Completes once the message is committed. */
    public static Uni<Void> withoutLimits(MessageStore store, NewMessage message) {
        return store.store(message, new SendingQuota.Charge(message.principal(), 0, List.of()))
                .replaceWithVoid();
    }
}
