package dev.mailgate.policy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotLockedOutCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final NotLockedOutCache clear = new NotLockedOutCache(1000, now::get);

    @Test
    void aClearAnswerHoldsForItsTimeOnly() {
        assertThat(clear.holds("address|192.0.2.1")).isFalse();
        clear.remember("address|192.0.2.1");
        now.addAndGet(999);
        assertThat(clear.holds("address|192.0.2.1")).isTrue();
        assertThat(clear.holds("address|192.0.2.2")).isFalse();
        now.addAndGet(1);
        assertThat(clear.holds("address|192.0.2.1")).isFalse();
    }

    @Test
    void aFailureForgetsEveryClearAnswer() {
        clear.remember("address|192.0.2.1");
        clear.remember("try|192.0.2.1|alice");
        clear.forgetAll();
        assertThat(clear.holds("address|192.0.2.1")).isFalse();
        assertThat(clear.holds("try|192.0.2.1|alice")).isFalse();
    }

    @Test
    void staysBoundedByStartingOverWhenFull() {
        for (int i = 0; i < NotLockedOutCache.MAX_ENTRIES; i++) {
            clear.remember("address|" + i);
        }
        clear.remember("address|one-more");
        assertThat(clear.holds("address|one-more")).isTrue();
        assertThat(clear.holds("address|0")).isFalse();
    }
}
