package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects the content of one message (DATA or all BDAT chunks) and judges it while it arrives:
 * size over the limit (then stops buffering, so an oversize message costs no memory),
 * bare CR or LF anywhere (SMTP smuggling: we relay with DATA later, where a bare LF could end
 * the message early at the next hop), and text lines longer than the limit.
 * The line checks run on the wire octets; the buffer gets the unstuffed content. Octets arrive one
 * by one, so the buffer is a plain array (ByteArrayOutputStream locks and re-checks capacity per octet).
 * The buffer's growth is taken from the {@link ContentBudget}; when it does not fit, buffering stops as
 * for an oversize message and the session answers 452 4.3.1. What is taken stays taken until
 * {@link #release()}, which the session calls once the message is stored or refused (and a cleaner calls
 * if a collector is dropped on another path, e.g. RSET between BDAT chunks).
 */
final class MessageCollector {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] EMPTY = new byte[0];
    private static final int FIRST_CAPACITY = 8192;
    private static final Cleaner CLEANER = Cleaner.create();

    private final long maxSize;
    private final int maxLine;
    private final Held held;
    private final Cleaner.Cleanable cleanable;
    private byte[] content = EMPTY;
    private int length;
    private long size;
    private boolean oversize;
    private boolean overBudget;
    private boolean bareNewline;
    private boolean lineTooLong;
    private boolean previousCr;
    private int lineLength;

    MessageCollector(long maxSize, int maxLine, ContentBudget budget) {
        this.maxSize = maxSize;
        this.maxLine = maxLine;
        this.held = new Held(budget);
        this.cleanable = CLEANER.register(this, held);
    }

    /** Checks one octet as it was on the wire. */
    void checkWire(byte b) {
        if (previousCr && b != LF) {
            bareNewline = true;
        }
        if (b == LF && !previousCr) {
            bareNewline = true;
        }
        lineLength++;
        if (lineLength > maxLine) {
            lineTooLong = true;
        }
        if (b == LF) {
            lineLength = 0;
        }
        previousCr = b == CR;
    }

    /** Adds one octet of message content. */
    void append(byte b) {
        if (room(1)) {
            content[length++] = b;
        }
    }

    /** Octets of one line with no CR or LF among them, as on the wire and as content (DATA mid-line). */
    void appendRun(byte[] data, int offset, int count) {
        if (count == 0) {
            return;
        }
        if (previousCr) {
            bareNewline = true;
        }
        previousCr = false;
        lineLength += count;
        if (lineLength > maxLine) {
            lineTooLong = true;
        }
        if (room(count)) {
            System.arraycopy(data, offset, content, length, count);
            length += count;
        }
    }

    /** Counts {@code count} more octets; true if they are to be kept, with the buffer grown to hold them. */
    private boolean room(int count) {
        size += count;
        if (oversize || overBudget) {
            return false;
        }
        if (size > maxSize) {
            oversize = true; // stop buffering: the rest is only counted
            release();
            return false;
        }
        if (length + count > content.length) {
            // doubling, but never past the limit: a message of exactly the limit must not need twice the budget
            long capacity =
                    Math.min(maxSize, Math.max(Math.max(FIRST_CAPACITY, 2L * content.length), (long) length + count));
            if (!held.take(capacity - content.length)) {
                overBudget = true;
                release();
                return false;
            }
            content = Arrays.copyOf(content, (int) capacity);
        }
        return true;
    }

    /** For BDAT: the message may end after a CR whose LF never comes. */
    void endOfMessage() {
        if (previousCr) {
            bareNewline = true;
        }
    }

    long size() {
        return size;
    }

    boolean oversize() {
        return oversize;
    }

    /** The content did not fit into the heap set aside for messages being received. */
    boolean overBudget() {
        return overBudget;
    }

    boolean bareNewline() {
        return bareNewline;
    }

    boolean lineTooLong() {
        return lineTooLong;
    }

    /**
     * The message as submitted: {@code prefix} (the Received header) followed by the content, in one new
     * array. The buffer is dropped; its share of the budget is kept until {@link #release()}, as the
     * array now stands in for it until the message is stored.
     */
    byte[] messageWith(byte[] prefix) {
        byte[] message = new byte[prefix.length + length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(content, 0, message, prefix.length, length);
        content = EMPTY;
        return message;
    }

    /** Gives the budget back and drops the buffer; safe to call more than once. */
    void release() {
        content = EMPTY;
        length = 0;
        cleanable.clean();
    }

    /** What this collector took from the budget; the cleaner's action, so it must not refer to the collector. */
    private static final class Held implements Runnable {
        private final ContentBudget budget;
        private final AtomicLong octets = new AtomicLong();

        Held(ContentBudget budget) {
            this.budget = budget;
        }

        boolean take(long more) {
            if (!budget.tryReserve(more)) {
                return false;
            }
            octets.addAndGet(more);
            return true;
        }

        @Override
        public void run() {
            budget.release(octets.getAndSet(0));
        }
    }
}
