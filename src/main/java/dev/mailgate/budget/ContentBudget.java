package dev.mailgate.budget;

import dev.mailgate.config.MailgateConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The heap that message content may take in this instance: messages being received over SMTP and
 * messages being delivered. mailgate holds a message in memory while it receives, stores or sends it
 * (Postfix spools to disk and never has this question), so without a bound a burst of large messages
 * drives the heap into back-to-back full collections or out of memory.
 * <ul>
 * <li>An SMTP session takes what its buffer grows by and gives it back once the message is stored or
 * refused; a message that does not fit is read to its end unkept and answered {@code 452 4.3.1}.</li>
 * <li>A delivery takes a few times the message's size (the loaded, signed and dot-stuffed copies) and
 * waits for room, except when no delivery runs at all, so the largest message still goes out.</li>
 * <li>An HTTPS send takes twice its declared length before its body is read (the API's pre-body guard).</li>
 * <li>{@code outbound.FreshMessages} keeps just-committed messages for their delivery, only while three
 * quarters of the budget are free.</li>
 * </ul>
 */
@ApplicationScoped
public class ContentBudget {

    private static final Logger LOG = Logger.getLogger(ContentBudget.class);

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    @Inject
    public ContentBudget(MailgateConfig config, MeterRegistry metrics) {
        this(config.smtp()
                .contentBuffer()
                .map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 4));
        Gauge.builder("mailgate.smtp.content.buffered", reserved, AtomicLong::get)
                .baseUnit("bytes")
                .description("Octets of message content held by SMTP sessions and deliveries")
                .register(metrics);
        long maxMessage = config.limits().maxMessageSize();
        if (capacity < maxMessage) {
            LOG.warnf(
                    "mailgate.smtp.content-buffer (%d octets) is below mailgate.limits.max-message-size (%d):"
                            + " the largest messages will always be answered 452 4.3.1; give the JVM more heap or lower the limit",
                    capacity, maxMessage);
        } else {
            LOG.infof(
                    "message content (SMTP, HTTPS sends, deliveries) may take %d MiB of heap together", capacity >> 20);
        }
    }

    public ContentBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("content buffer must be positive");
        }
        this.capacity = capacity;
    }

    /** Takes {@code octets} from the budget; false (and nothing taken) if they do not fit. */
    public boolean tryReserve(long octets) {
        long current;
        do {
            current = reserved.get();
            if (current + octets > capacity) {
                return false;
            }
        } while (!reserved.compareAndSet(current, current + octets));
        return true;
    }

    /**
     * For work that waits for room rather than being refused: takes {@code octets} if they fit, and also
     * when nothing else of its kind is running (past the capacity then, holding others back), so the
     * largest message still makes progress. False: wait until a running one ends.
     */
    public boolean admit(long octets, boolean aloneOfItsKind) {
        if (tryReserve(octets)) {
            return true;
        }
        if (aloneOfItsKind) {
            reserved.addAndGet(octets);
            return true;
        }
        return false;
    }

    public void release(long octets) {
        reserved.addAndGet(-octets);
    }

    /** Whether a message of this declared size (MAIL SIZE=) would fit now. */
    public boolean fitsNow(long octets) {
        return reserved.get() + octets <= capacity;
    }

    public long reserved() {
        return reserved.get();
    }

    public long capacity() {
        return capacity;
    }
}
