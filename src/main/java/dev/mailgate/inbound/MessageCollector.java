package dev.mailgate.inbound;

import java.util.Arrays;

/**
 * Collects the content of one message (DATA or all BDAT chunks) and judges it while it arrives:
 * size over the limit (then stops buffering, so an oversize message costs no memory),
 * bare CR or LF anywhere (SMTP smuggling: we relay with DATA later, where a bare LF could end
 * the message early at the next hop), and text lines longer than the limit.
 * The line checks run on the wire octets; the buffer gets the unstuffed content. Octets arrive one
 * by one, so the buffer is a plain array (ByteArrayOutputStream locks and re-checks capacity per octet).
 */
final class MessageCollector {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final long maxSize;
    private final int maxLine;
    private byte[] content = new byte[8192];
    private int length;
    private long size;
    private boolean oversize;
    private boolean bareNewline;
    private boolean lineTooLong;
    private boolean previousCr;
    private int lineLength;

    MessageCollector(long maxSize, int maxLine) {
        this.maxSize = maxSize;
        this.maxLine = maxLine;
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
        if (oversize) {
            return false;
        }
        if (size > maxSize) {
            oversize = true; // stop buffering: the rest is only counted
            content = null;
            return false;
        }
        if (length + count > content.length) {
            content = Arrays.copyOf(content, (int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max(2L * content.length, (long) length + count)));
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

    boolean bareNewline() {
        return bareNewline;
    }

    boolean lineTooLong() {
        return lineTooLong;
    }

    byte[] content() {
        return content == null ? new byte[0] : Arrays.copyOf(content, length);
    }
}
