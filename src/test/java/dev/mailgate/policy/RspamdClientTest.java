package dev.mailgate.policy;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against an HTTP peer on a real socket that drops connections the way a dying rspamd
 * worker does: after reading the request, before any answer.
 */
class RspamdClientTest {

    private static final String REJECT = "{\"action\":\"reject\",\"score\":15.0,\"required_score\":15.0,"
            + "\"symbols\":{\"GTUBE\":{}},\"messages\":{\"smtp_message\":\"Gtube pattern\"}}";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aConnectionLostBeforeTheAnswerIsTriedOnceMore() throws Exception {
        try (DroppingPeer peer = new DroppingPeer(1)) {
            RspamdClient.Verdict verdict = client(peer)
                    .check("x".getBytes(), "a@example.com", List.of("b@example.net"), "192.0.2.1", "someone", "q1")
                    .await()
                    .atMost(Duration.ofSeconds(20));
            assertThat(verdict.action()).isEqualTo("reject");
            assertThat(verdict.symbols()).containsExactly("GTUBE");
            assertThat(peer.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void aPeerThatKeepsDroppingFailsAfterTheOneRetry() throws Exception {
        try (DroppingPeer peer = new DroppingPeer(Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> client(peer)
                            .check(
                                    "x".getBytes(),
                                    "a@example.com",
                                    List.of("b@example.net"),
                                    "192.0.2.1",
                                    "someone",
                                    "q2")
                            .await()
                            .atMost(Duration.ofSeconds(20)))
                    .hasMessageContaining("closed");
            assertThat(peer.connections.get()).isEqualTo(2);
        }
    }

    private RspamdClient client(DroppingPeer peer) {
        return new RspamdClient(vertx, Optional.of("http://127.0.0.1:" + peer.server.getLocalPort()), 5000);
    }

    /** Reads each request whole; closes the first {@code drops} connections unanswered, answers the rest. */
    private static final class DroppingPeer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);
        final AtomicInteger connections = new AtomicInteger();
        private final Thread thread;

        DroppingPeer(int drops) throws IOException {
            thread = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (Socket s = server.accept()) {
                                readRequest(s.getInputStream());
                                if (connections.incrementAndGet() > drops) {
                                    byte[] body = REJECT.getBytes(StandardCharsets.UTF_8);
                                    s.getOutputStream()
                                            .write(
                                                    ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                                                                    + "Content-Length: " + body.length + "\r\n\r\n")
                                                            .getBytes(StandardCharsets.US_ASCII));
                                    s.getOutputStream().write(body);
                                    s.getOutputStream().flush();
                                }
                            } catch (IOException closed) {
                                return;
                            }
                        }
                    },
                    "dropping-rspamd");
            thread.start();
        }

        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("request ended early");
                }
                head.write(b);
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }
}
