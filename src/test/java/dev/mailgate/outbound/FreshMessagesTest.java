package dev.mailgate.outbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.queue.DeliveryLedger;
import dev.mailgate.queue.NewMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreshMessagesTest {

    private final AtomicLong clock = new AtomicLong();
    private final ContentBudget budget = new ContentBudget(4000);
    private final FreshMessages fresh = new FreshMessages(budget, clock::get);

    @Test
    void aKeptMessageIsTakenOnceAndGivesItsShareBack() {
        NewMessage m = message(500);
        fresh.keep(m);
        assertThat(budget.reserved()).isEqualTo(500);

        DeliveryLedger.StoredMessage taken = fresh.take(m.id()).orElseThrow();
        assertThat(taken.raw()).isSameAs(m.raw());
        assertThat(taken.sender()).isEqualTo("alice@example.com");
        assertThat(taken.bodyType()).contains("8BITMIME");
        assertThat(taken.door()).isEqualTo("587");
        assertThat(budget.reserved()).isZero();
        assertThat(fresh.take(m.id()))
                .as("a second delivery reads the database")
                .isEmpty();
        assertThat(fresh.handedOut()).isEqualTo(1);
    }

    @Test
    void keepsOnlyWhileAQuarterOfTheBudgetIsInUse() {
        fresh.keep(message(1001));
        assertThat(fresh.size()).as("more than a quarter on its own").isZero();

        fresh.keep(message(600));
        fresh.keep(message(600));
        assertThat(fresh.size()).as("the second one would pass the quarter").isEqualTo(1);

        assertThat(budget.tryReserve(2900)).isTrue(); // SMTP sessions take most of it
        fresh.keep(message(100));
        assertThat(fresh.size()).isEqualTo(1);
        assertThat(budget.reserved()).isEqualTo(3500);
    }

    @Test
    void whatNobodyTakesLeavesAfterItsTimeAndGivesItsShareBack() {
        NewMessage old = message(300);
        fresh.keep(old);
        clock.addAndGet(FreshMessages.MAX_AGE.toNanos() / 2);
        NewMessage younger = message(300);
        fresh.keep(younger);

        clock.addAndGet(FreshMessages.MAX_AGE.toNanos() / 2 + 1);
        fresh.expire();
        assertThat(fresh.take(old.id())).isEmpty();
        assertThat(fresh.size()).isEqualTo(1);
        assertThat(budget.reserved()).isEqualTo(300);

        clock.addAndGet(FreshMessages.MAX_AGE.toNanos());
        fresh.keep(message(5000)); // too large to keep, but its arrival still clears out the old
        assertThat(fresh.size()).isZero();
        assertThat(budget.reserved()).isZero();
        assertThat(fresh.octets()).isZero();
    }

    private static NewMessage message(int size) {
        Envelope envelope = new Envelope(
                "alice@example.com",
                List.of(EnvelopeRecipient.of("bob@example.net")),
                Optional.of("8BITMIME"),
                false,
                Optional.empty(),
                Optional.empty());
        return new NewMessage(
                UUID.randomUUID(),
                Instant.now(),
                "alice",
                "192.0.2.1",
                Door.SMTP_STARTTLS,
                envelope,
                new byte[size],
                Optional.empty());
    }
}
