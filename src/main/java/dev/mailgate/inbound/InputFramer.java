package dev.mailgate.inbound;

import dev.mailgate.mail.LineBreaks;
import java.util.Arrays;

/**
 * Splits the byte stream into what the session acts on, one octet at a time (so any chunking of the
 * input gives the same result). Three modes:
 * <ul>
 * <li>LINE: command lines and SASL responses, ended by LF. At most {@code capacity} octets are kept;
 * a longer line is consumed through its LF and reported as overflowing.</li>
 * <li>DATA: dot-stuffed content ended only by CRLF "." CRLF (RFC 5321 §4.1.1.4). A "." line after a
 * bare LF or bare CR is NOT an end: that is the SMTP smuggling trick (CVE-2023-51764).</li>
 * <li>CHUNK: exactly n octets of BDAT content (RFC 3030), binary-safe.</li>
 * </ul>
 */
final class InputFramer {

    sealed interface Event {}

    /** A line without its CRLF; {@code wireLength} counts all its octets including the line end. */
    record Line(byte[] content, long wireLength, boolean overflow, boolean bareNewline) implements Event {
        String text() {
            return new String(content, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    record DataEnd() implements Event {}

    record ChunkEnd() implements Event {}

    private enum Mode {
        LINE,
        DATA,
        CHUNK
    }

    /** Where DATA mode is within a line, for dot-unstuffing and the terminator. */
    private enum DataState {
        LINE_START,
        DOT,
        DOT_CR,
        BODY,
        BODY_CR
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final byte[] line;
    private Mode mode = Mode.LINE;

    private int lineLength;
    private long lineWire;
    private boolean lineOverflow;
    private boolean lineBare;
    private boolean linePreviousCr;

    private DataState dataState;
    private MessageCollector collector;
    private long chunkRemaining;

    InputFramer(int capacity) {
        this.line = new byte[capacity];
    }

    /** Back to line mode with nothing buffered (after STARTTLS). */
    void reset() {
        mode = Mode.LINE;
        collector = null;
        resetLine();
    }

    void startData(MessageCollector target) {
        mode = Mode.DATA;
        dataState = DataState.LINE_START;
        collector = target;
    }

    /** Count mode for a BDAT chunk of {@code size > 0} octets; a null target discards them. */
    void startChunk(long size, MessageCollector target) {
        mode = Mode.CHUNK;
        chunkRemaining = size;
        collector = target;
    }

    /**
     * In the middle of a DATA line, takes the octets up to (not including) the next CR or LF at once:
     * none of them can end the message, stuff a dot or be a bare line end, so they need no state
     * machine. Returns how many octets of {@code data[from, to)} were taken (0 when not mid-line).
     */
    int feedRun(byte[] data, int from, int to) {
        if (mode != Mode.DATA || dataState != DataState.BODY) {
            return 0;
        }
        int i = LineBreaks.nextCrOrLf(data, from, to);
        collector.appendRun(data, from, i - from);
        return i - from;
    }

    Event feed(byte b) {
        switch (mode) {
            case DATA:
                return feedData(b);
            case CHUNK:
                return feedChunk(b);
            default:
                return feedLine(b);
        }
    }

    private Event feedLine(byte b) {
        lineWire++;
        if (b == LF) {
            int end = linePreviousCr && !lineOverflow ? lineLength - 1 : lineLength;
            Line result = new Line(
                    Arrays.copyOf(line, Math.max(end, 0)), lineWire, lineOverflow, lineBare || !linePreviousCr);
            resetLine();
            return result;
        }
        if (linePreviousCr) {
            lineBare = true; // a CR inside a command line that is not part of CRLF
        }
        linePreviousCr = b == CR;
        if (lineLength < line.length) {
            line[lineLength++] = b;
        } else {
            lineOverflow = true;
        }
        return null;
    }

    private void resetLine() {
        lineLength = 0;
        lineWire = 0;
        lineOverflow = false;
        lineBare = false;
        linePreviousCr = false;
    }

    private Event feedChunk(byte b) {
        if (collector != null) {
            collector.checkWire(b);
            collector.append(b);
        }
        if (--chunkRemaining == 0) {
            mode = Mode.LINE;
            collector = null;
            return new ChunkEnd();
        }
        return null;
    }

    private Event feedData(byte b) {
        collector.checkWire(b);
        switch (dataState) {
            case LINE_START:
                if (b == '.') {
                    dataState = DataState.DOT; // either stuffing or the terminator: decided by what follows
                } else {
                    body(b);
                }
                return null;
            case DOT:
                if (b == CR) {
                    dataState = DataState.DOT_CR;
                } else {
                    body(b); // the leading dot was stuffing and is dropped
                }
                return null;
            case DOT_CR:
                if (b == LF) {
                    mode = Mode.LINE;
                    collector = null;
                    return new DataEnd();
                }
                collector.append(CR); // ".<CR>x": not the terminator, the CR is (bare) content
                dataState = DataState.BODY_CR;
                afterCr(b);
                return null;
            case BODY_CR:
                afterCr(b);
                return null;
            default:
                body(b);
                return null;
        }
    }

    private void body(byte b) {
        collector.append(b);
        dataState = b == CR ? DataState.BODY_CR : DataState.BODY;
    }

    /** Only CR immediately followed by LF starts a new line; anything else keeps us mid-line. */
    private void afterCr(byte b) {
        collector.append(b);
        if (b == LF) {
            dataState = DataState.LINE_START;
        } else if (b != CR) {
            dataState = DataState.BODY;
        }
    }
}
