package dev.mailgate.inbound;

import java.io.ByteArrayOutputStream;

/**
 * Collects the content of one message (DATA or all BDAT chunks) and judges it while it arrives:
 * size over the limit (then stops buffering, so an oversize message costs no memory),
 * bare CR or LF anywhere (SMTP smuggling: we relay with DATA later, where a bare LF could end
 * the message early at the next hop), and text lines longer than the limit.
 * The line checks run on the wire octets; the buffer gets the unstuffed content.
 */
final class MessageCollector {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final long maxSize;
    private final int maxLine;
    private ByteArrayOutputStream content = new ByteArrayOutputStream(8192);
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
        size++;
        if (oversize) {
            return;
        }
        if (size > maxSize) {
            oversize = true;
            content = null;
            return;
        }
        content.write(b);
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
        return content == null ? new byte[0] : content.toByteArray();
    }
}
