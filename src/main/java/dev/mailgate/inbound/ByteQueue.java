package dev.mailgate.inbound;

import java.util.Arrays;

/**
 * Input received but not yet processed: the session holds bytes back while an Authenticate or
 * Submit is outstanding (pipelining). Adapters should stop reading while {@link SmtpServerSession#awaiting()}
 * is true, which keeps this small.
 */
final class ByteQueue {
    private byte[] data = new byte[1024];
    private int start;
    private int end;

    void append(byte[] bytes, int offset, int length) {
        if (end + length > data.length) {
            int live = end - start;
            if (live + length > data.length) {
                data = Arrays.copyOfRange(data, start, start + Math.max(data.length * 2, live + length));
            } else {
                System.arraycopy(data, start, data, 0, live);
            }
            start = 0;
            end = live;
        }
        System.arraycopy(bytes, offset, data, end, length);
        end += length;
    }

    boolean hasRemaining() {
        return start < end;
    }

    /** Hands the unread octets to {@code run}, which answers how many it took. */
    int takeRun(Run run) {
        int taken = run.take(data, start, end);
        start += taken;
        return taken;
    }

    interface Run {
        int take(byte[] data, int from, int to);
    }

    byte take() {
        return data[start++];
    }

    void clear() {
        start = 0;
        end = 0;
    }
}
