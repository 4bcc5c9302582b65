package dev.mailgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A deliberately dumb SMTP client over a real socket, for tests that must send exactly the bytes
 * they mean (pipelined injections, bare LFs, oversize lines) and read exactly what came back.
 */
public final class SmtpTestClient implements AutoCloseable {

    private final SSLContext tls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpTestClient(Socket socket, SSLContext tls) throws IOException {
        this.tls = tls;
        use(socket);
    }

    /** Plain TCP, as on 587 before STARTTLS. */
    public static SmtpTestClient plain(int port, SSLContext tls) {
        try {
            Socket s = new Socket("localhost", port);
            s.setSoTimeout(20_000);
            return new SmtpTestClient(s, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects from a chosen loopback source address (127.0.0.0/8: each test its own "client"), first
     * writes {@code preamble} (e.g. a PROXY protocol header; may be empty), then for 465 does the TLS handshake.
     */
    public static SmtpTestClient from(
            String localAddress, int port, SSLContext tls, byte[] preamble, boolean implicitTls) {
        try {
            Socket s = new Socket();
            s.bind(new java.net.InetSocketAddress(localAddress, 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 20_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(preamble);
            s.getOutputStream().flush();
            if (!implicitTls) {
                return new SmtpTestClient(s, tls);
            }
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, "localhost", port, true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            return new SmtpTestClient(ssl, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TLS from the first byte, as on 465. */
    public static SmtpTestClient implicitTls(int port, SSLContext tls) {
        try {
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
            s.setSoTimeout(20_000);
            s.startHandshake();
            return new SmtpTestClient(s, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    /** Reads one complete reply (all lines of a multi-line reply), CRLFs included. */
    public String reply() {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line();
            reply.append(line).append("\r\n");
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    /** Sends a line (CRLF appended) and reads the reply. */
    public String command(String line) {
        send(line + "\r\n");
        return reply();
    }

    public void send(String raw) {
        sendBytes(raw.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** STARTTLS, then the TLS handshake on the same connection; returns the 220 reply. */
    public String startTls() {
        String reply = command("STARTTLS");
        if (!reply.startsWith("220")) {
            return reply;
        }
        upgrade();
        return reply;
    }

    /** Upgrades the socket to TLS without sending anything. */
    public void upgrade() {
        try {
            SSLSocket ssl =
                    (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            use(ssl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String negotiatedProtocol() {
        return socket instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : "none";
    }

    /** EHLO, STARTTLS, EHLO again (the usual way in on 587). */
    public SmtpTestClient secured() {
        expect(reply(), "220");
        expect(command("EHLO client.test"), "250");
        expect(startTls(), "220");
        expect(command("EHLO client.test"), "250");
        return this;
    }

    /** AUTH XOAUTH2 with an initial response, as Thunderbird and msmtp send it. */
    public String authXoauth2(String user, String token) {
        String sasl = "user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001";
        return command("AUTH XOAUTH2 " + Base64.getEncoder().encodeToString(sasl.getBytes(StandardCharsets.UTF_8)));
    }

    /** AUTH PLAIN with an initial response. */
    public String authPlain(String user, String password) {
        String sasl = "\u0000" + user + "\u0000" + password;
        return command("AUTH PLAIN " + Base64.getEncoder().encodeToString(sasl.getBytes(StandardCharsets.UTF_8)));
    }

    /** MAIL, RCPTs, DATA and the message (dot-stuffed here); returns the reply to the final dot. */
    public String sendMail(String from, String message, String... recipients) {
        expect(command("MAIL FROM:<" + from + ">"), "250");
        for (String rcpt : recipients) {
            expect(command("RCPT TO:<" + rcpt + ">"), "250");
        }
        expect(command("DATA"), "354");
        StringBuilder stuffed = new StringBuilder();
        for (String line : message.split("\r\n", -1)) {
            stuffed.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        if (message.endsWith("\r\n")) {
            stuffed.setLength(stuffed.length() - 2);
        }
        send(stuffed + ".\r\n");
        return reply();
    }

    public static String expect(String reply, String code) {
        if (!reply.startsWith(code)) {
            throw new AssertionError("expected " + code + " but the server said: " + reply);
        }
        return reply;
    }

    /** True when the server has closed the connection (reads EOF). */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException(
                            "connection closed by server after: " + line.toString(StandardCharsets.UTF_8));
                }
                if (previous == '\r' && b == '\n') {
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
                }
                line.write(b);
                previous = b;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
