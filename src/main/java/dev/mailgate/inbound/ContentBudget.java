package dev.mailgate.inbound;

import dev.mailgate.config.MailgateConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The heap that message content being received may take, all SMTP sessions of this instance together.
 * A session reserves what its buffer grows by and gives it back once the message is stored or refused.
 * A message that does not fit is read to its end without being kept and answered {@code 452 4.3.1}, so a
 * burst of large messages is told to come back later instead of driving the heap into back-to-back
 * full collections. Postfix spools to disk and never has this question; mailgate buffers in memory.
 */
@ApplicationScoped
public class ContentBudget {

    private static final Logger LOG = Logger.getLogger(ContentBudget.class);

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    @Inject
    public ContentBudget(MailgateConfig config, MeterRegistry metrics) {
        this(config.smtp().contentBuffer().map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 3));
        Gauge.builder("mailgate.smtp.content.buffered", reserved, AtomicLong::get).baseUnit("bytes")
                .description("Octets of message content held by SMTP sessions").register(metrics);
        long maxMessage = config.limits().maxMessageSize();
        if (capacity < maxMessage) {
            LOG.warnf("mailgate.smtp.content-buffer (%d octets) is below mailgate.limits.max-message-size (%d):"
                    + " the largest messages will always be answered 452 4.3.1; give the JVM more heap or lower the limit",
                    capacity, maxMessage);
        } else {
            LOG.infof("SMTP sessions may buffer %d MiB of message content together", capacity >> 20);
        }
    }

    ContentBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("content buffer must be positive");
        }
        this.capacity = capacity;
    }

    /** Takes {@code octets} from the budget; false (and nothing taken) if they do not fit. */
    boolean tryReserve(long octets) {
        long current;
        do {
            current = reserved.get();
            if (current + octets > capacity) {
                return false;
            }
        } while (!reserved.compareAndSet(current, current + octets));
        return true;
    }

    void release(long octets) {
        reserved.addAndGet(-octets);
    }

    /** Whether a message of this declared size (MAIL SIZE=) would fit now. */
    boolean fitsNow(long octets) {
        return reserved.get() + octets <= capacity;
    }

    public long reserved() {
        return reserved.get();
    }

    public long capacity() {
        return capacity;
    }
}
