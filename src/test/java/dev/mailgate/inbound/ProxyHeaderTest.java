package dev.mailgate.inbound;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

public class ProxyHeaderTest {

    static byte[] v1(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY header (command PROXY, TCP) for the given source and destination. */
    public static byte[] v2(String source, int sourcePort, String destination, int destinationPort) throws Exception {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ProxyHeader.V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(src.length == 4 ? 0x11 : 0x21); // INET/INET6 + STREAM
        int len = src.length * 2 + 4;
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.write(src);
        out.write(dst);
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xFF);
        out.write(destinationPort >> 8);
        out.write(destinationPort & 0xFF);
        return out.toByteArray();
    }

    private static ProxyHeader.Result parse(byte[] b) {
        return ProxyHeader.parse(b, b.length);
    }

    @Test
    void v1Tcp4() {
        byte[] in = v1("PROXY TCP4 203.0.113.7 10.0.0.1 56324 587");
        assertThat(parse(in)).isEqualTo(new ProxyHeader.Parsed(1, "203.0.113.7", 56324, in.length));
    }

    @Test
    void v1Tcp6AndTrailingBytesAreNotConsumed() {
        byte[] header = v1("PROXY TCP6 2001:db8::7 2001:db8::1 40000 465");
        byte[] in = (new String(header, StandardCharsets.US_ASCII) + "EHLO x\r\n").getBytes(StandardCharsets.US_ASCII);
        ProxyHeader.Parsed p = (ProxyHeader.Parsed) parse(in);
        assertThat(p.sourceAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(p.length()).isEqualTo(header.length);
    }

    @Test
    void v1Unknown() {
        assertThat(parse(v1("PROXY UNKNOWN")))
                .isInstanceOf(ProxyHeader.Parsed.class)
                .extracting("sourceAddress")
                .isNull();
    }

    @Test
    void v1InPieces() {
        byte[] in = v1("PROXY TCP4 203.0.113.7 10.0.0.1 56324 587");
        for (int n = 0; n < in.length; n++) {
            assertThat(ProxyHeader.parse(in, n)).as("first %d octets", n).isInstanceOf(ProxyHeader.NeedMore.class);
        }
    }

    @Test
    void v1Malformed() {
        assertThat(parse(v1("PROXY TCP4 not-an-ip 10.0.0.1 1 2"))).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v1("PROXY TCP4 203.0.113.7 10.0.0.1 99999 2"))).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v1("PROXY TCP4 2001:db8::1 10.0.0.1 1 2"))).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v1("PROXY TCP4 203.0.113.7 10.0.0.1 1"))).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(("PROXY TCP4 " + "1".repeat(120)).getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void noHeaderAtAll() {
        assertThat(parse("EHLO client\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(new byte[] {0x16, 0x03, 0x01})).isInstanceOf(ProxyHeader.Invalid.class); // a TLS ClientHello
    }

    @Test
    void v2Ipv4AndIpv6() throws Exception {
        byte[] in4 = v2("198.51.100.20", 1234, "10.0.0.1", 465);
        assertThat(parse(in4)).isEqualTo(new ProxyHeader.Parsed(2, "198.51.100.20", 1234, 28));
        byte[] in6 = v2("2001:db8::20", 4321, "2001:db8::1", 587);
        assertThat(parse(in6)).isEqualTo(new ProxyHeader.Parsed(2, "2001:db8:0:0:0:0:0:20", 4321, 52));
    }

    @Test
    void v2InPiecesAndWithTlvs() throws Exception {
        byte[] in = v2("198.51.100.20", 1234, "10.0.0.1", 465);
        for (int n = 0; n < in.length; n++) {
            assertThat(ProxyHeader.parse(in, n)).isInstanceOf(ProxyHeader.NeedMore.class);
        }
        // extra TLV bytes after the addresses are part of the header
        byte[] tlv = new byte[in.length + 5];
        System.arraycopy(in, 0, tlv, 0, in.length);
        tlv[15] = (byte) (12 + 5);
        assertThat(((ProxyHeader.Parsed) parse(tlv)).length()).isEqualTo(tlv.length);
    }

    @Test
    void v2LocalAndBadVersion() throws Exception {
        byte[] in = v2("198.51.100.20", 1234, "10.0.0.1", 465);
        in[12] = 0x20; // LOCAL
        assertThat(parse(in)).isEqualTo(new ProxyHeader.Parsed(2, null, 0, 28));
        in[12] = 0x31; // version 3
        assertThat(parse(in)).isInstanceOf(ProxyHeader.Invalid.class);
    }
}
