package dev.mailgate.outbound;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * {@code mailgate.delivery.mode=capture}: each delivery is written as {@code <id>.eml} (the exact
 * bytes that would go on the wire, DKIM signature included) beside {@code <id>.envelope} (MAIL FROM
 * and RCPT TO lines), and its recipients count as delivered. For demos and tests.
 */
public final class CaptureTransport implements Transport {

    private final Vertx vertx;
    private final Path dir;

    public CaptureTransport(Vertx vertx, Path dir) {
        this.vertx = vertx;
        this.dir = dir;
    }

    @Override
    public Uni<Attempt> deliver(String domain, OutboundMessage message) {
        String name = UUID.randomUUID().toString();
        StringBuilder envelope =
                new StringBuilder("MAIL FROM:<").append(message.sender()).append(">\r\n");
        message.recipients()
                .forEach(r -> envelope.append("RCPT TO:<").append(r.address()).append(">\r\n"));
        var fs = vertx.fileSystem();
        return fs.mkdirs(dir.toString())
                .chain(() -> fs.writeFile(
                        dir.resolve(name + ".envelope").toString(),
                        Buffer.buffer(envelope.toString().getBytes(StandardCharsets.UTF_8))))
                .chain(() -> fs.writeFile(dir.resolve(name + ".eml").toString(), Buffer.buffer(message.content())))
                .map(v -> Attempt.all(message, 250, "2.0.0 captured as " + name + ".eml", "capture"))
                .onFailure()
                .recoverWithItem(e -> Attempt.all(message, 451, "4.3.0 capture failed: " + e.getMessage(), "capture"));
    }
}
