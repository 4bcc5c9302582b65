package dev.mailgate.mail;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds CR and LF in message text eight octets at a time. Receiving and relaying a message both walk
 * every octet of it looking for line ends; octet by octet that was a tenth of mailgate's CPU on 100 KB
 * messages, while lines of mail are dozens of octets long, so most words hold no line end at all.
 */
public final class LineBreaks {

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';

    private LineBreaks() {}

    /** The index of the first LF in {@code [from, to)}, or {@code to}. */
    public static int nextLf(byte[] text, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long found = zeroOctets((long) WORDS.get(text, i) ^ LFS);
            if (found != 0) {
                return i + firstOctet(found);
            }
        }
        for (; i < to; i++) {
            if (text[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /** The index of the first CR or LF in {@code [from, to)}, or {@code to}. */
    public static int nextCrOrLf(byte[] text, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) WORDS.get(text, i);
            long found = zeroOctets(word ^ CRS) | zeroOctets(word ^ LFS);
            if (found != 0) {
                return i + firstOctet(found);
            }
        }
        for (; i < to; i++) {
            if (text[i] == '\r' || text[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /**
     * The high bit of each zero octet of {@code x}. Exact for the lowest zero octet; above it a borrow can
     * mark a 0x01 octet too, which is why callers only ever use the lowest mark.
     */
    private static long zeroOctets(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    private static int firstOctet(long marks) {
        return Long.numberOfTrailingZeros(marks) >>> 3;
    }
}
