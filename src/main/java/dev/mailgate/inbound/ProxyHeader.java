package dev.mailgate.inbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HAProxy PROXY protocol header, versions 1 (text) and 2 (binary), parsed from the first bytes of a
 * connection. Pure: no I/O. {@link #parse} is called with everything received so far and answers
 * "need more", "invalid" or the parsed header with the number of octets it used; what follows those
 * octets belongs to the proxied protocol (SMTP or TLS).
 */
public final class ProxyHeader {

    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** v1: at most 107 octets including CRLF. */
    static final int V1_MAX = 107;
    /** v2: 16 octets of fixed header plus at most this much address/TLV data that we accept. */
    static final int V2_MAX_PAYLOAD = 2048;

    public sealed interface Result {}

    /** Not enough octets yet. */
    public record NeedMore() implements Result {}

    public record Invalid(String reason) implements Result {}

    /**
     * @param sourceAddress the real client address, or null for v1 {@code UNKNOWN} / v2 {@code LOCAL}
     *                      (health checks of the proxy itself: use the peer address)
     * @param length        octets the header occupied
     */
    public record Parsed(int version, String sourceAddress, int sourcePort, int length) implements Result {}

    private ProxyHeader() {}

    public static Result parse(byte[] in, int length) {
        if (length == 0) {
            return new NeedMore();
        }
        if (startsWith(in, length, V2_SIGNATURE)) {
            return length < V2_SIGNATURE.length ? new NeedMore() : parseV2(in, length);
        }
        if (startsWith(in, length, V1_PREFIX)) {
            return length < V1_PREFIX.length ? new NeedMore() : parseV1(in, length);
        }
        return new Invalid("no PROXY protocol header");
    }

    /** Whether {@code in} (of which {@code length} octets are valid) agrees with {@code prefix} as far as both go. */
    private static boolean startsWith(byte[] in, int length, byte[] prefix) {
        int n = Math.min(length, prefix.length);
        for (int i = 0; i < n; i++) {
            if (in[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Result parseV1(byte[] in, int length) {
        int end = -1;
        for (int i = 0; i + 1 < Math.min(length, V1_MAX); i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return length >= V1_MAX ? new Invalid("PROXY v1 line longer than 107 octets") : new NeedMore();
        }
        String line = new String(in, 0, end, StandardCharsets.US_ASCII);
        String[] parts = line.split(" ", -1);
        if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
            return new Parsed(1, null, 0, end + 2);
        }
        if (parts.length != 6 || !(parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
            return new Invalid("malformed PROXY v1 line");
        }
        boolean v6 = parts[1].equals("TCP6");
        InetAddress source = literal(parts[2], v6);
        InetAddress destination = literal(parts[3], v6);
        int sourcePort = port(parts[4]);
        int destinationPort = port(parts[5]);
        if (source == null || destination == null || sourcePort < 0 || destinationPort < 0) {
            return new Invalid("malformed PROXY v1 address or port");
        }
        return new Parsed(1, source.getHostAddress(), sourcePort, end + 2);
    }

    private static Result parseV2(byte[] in, int length) {
        if (length < 16) {
            return new NeedMore();
        }
        int versionCommand = in[12] & 0xFF;
        if ((versionCommand >> 4) != 2) {
            return new Invalid("PROXY v2 header with version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0F;
        int family = (in[13] & 0xFF) >> 4;
        int transport = in[13] & 0x0F;
        int payload = ((in[14] & 0xFF) << 8) | (in[15] & 0xFF);
        if (payload > V2_MAX_PAYLOAD) {
            return new Invalid("PROXY v2 header too long");
        }
        if (length < 16 + payload) {
            return new NeedMore();
        }
        int total = 16 + payload;
        if (command == 0) {
            return new Parsed(2, null, 0, total); // LOCAL: the proxy speaking for itself
        }
        if (command != 1) {
            return new Invalid("PROXY v2 unknown command " + command);
        }
        if (transport != 1 && transport != 0) {
            return new Invalid("PROXY v2 transport is not a stream");
        }
        if (family == 1) { // AF_INET: src 4, dst 4, ports 2+2
            if (payload < 12) {
                return new Invalid("PROXY v2 IPv4 addresses truncated");
            }
            return new Parsed(2, address(in, 16, 4), portAt(in, 24), total);
        }
        if (family == 2) { // AF_INET6: src 16, dst 16, ports 2+2
            if (payload < 36) {
                return new Invalid("PROXY v2 IPv6 addresses truncated");
            }
            return new Parsed(2, address(in, 16, 16), portAt(in, 48), total);
        }
        if (family == 0) {
            return new Parsed(2, null, 0, total); // UNSPEC
        }
        return new Invalid("PROXY v2 address family " + family + " not supported");
    }

    private static String address(byte[] in, int at, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(in, at, at + len))
                    .getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4 or 16 octets
        }
    }

    private static int portAt(byte[] in, int at) {
        return ((in[at] & 0xFF) << 8) | (in[at + 1] & 0xFF);
    }

    private static InetAddress literal(String text, boolean v6) {
        if (text.isEmpty() || (v6 ? text.indexOf(':') < 0 : !text.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return null; // only literals: never a DNS lookup
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            return (v6 ? a.getAddress().length == 16 : a.getAddress().length == 4) ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int port(String text) {
        if (!text.matches("\\d{1,5}")) {
            return -1;
        }
        int p = Integer.parseInt(text);
        return p <= 65535 ? p : -1;
    }
}
