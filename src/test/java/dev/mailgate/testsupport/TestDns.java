package dev.mailgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A small authoritative DNS server over UDP on 127.0.0.1, built on dnsjava's wire codec: answers
 * MX, A, AAAA and TXT from an in-memory zone; unknown names get NXDOMAIN, known names without the asked
 * type an empty NOERROR answer.
 */
public final class TestDns implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TestDns() {
        try {
            socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private static Name name(String n) {
        try {
            return Name.fromString(n.endsWith(".") ? n : n + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(Record r) {
        zone.computeIfAbsent(r.getName(), k -> new CopyOnWriteArrayList<>()).add(r);
    }

    public TestDns mx(String domain, int preference, String host) {
        add(new MXRecord(name(domain), DClass.IN, 60, preference, host.equals(".") ? Name.root : name(host)));
        return this;
    }

    public TestDns txt(String name, String text) {
        add(new org.xbill.DNS.TXTRecord(name(name), DClass.IN, 60, text));
        return this;
    }

    public TestDns a(String host, String ip) {
        try {
            add(new ARecord(name(host), DClass.IN, 60, InetAddress.getByName(ip)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                if (query.getHeader().getFlag(Flags.RD)) {
                    response.getHeader().setFlag(Flags.RD);
                }
                response.addRecord(question, Section.QUESTION);
                List<Record> records = zone.get(question.getName());
                if (records == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    for (Record r : records) {
                        if (r.getType() == question.getType()) {
                            response.addRecord(r, Section.ANSWER);
                        }
                    }
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // a malformed query: ignore it
            }
        }
    }

    @Override
    public void close() {
        running = false;
        socket.close();
    }
}
