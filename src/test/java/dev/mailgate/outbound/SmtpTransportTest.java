package dev.mailgate.outbound;

import dev.mailgate.config.MailgateConfig.Delivery.TlsPolicy;
import dev.mailgate.testsupport.TestDns;
import dev.mailgate.testsupport.TestSmtpSink;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The SMTP transport on real sockets without the queue: reuse, relay AUTH, required TLS, timeouts. */
class SmtpTransportTest {

    static Vertx vertx;
    static TestDns dns;
    static MxResolver resolver;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        dns = new TestDns()
                .a("mx.sink.test", "127.0.0.1")
                .a("busy.sink.test", "127.0.0.3")
                .txt("_mta-sts.sts.test", "v=STSv1; id=20261126")
                .a("mta-sts.sts.test", "127.0.0.1")
                .txt("_mta-sts.wrongmx.test", "v=STSv1; id=1")
                .a("mta-sts.wrongmx.test", "127.0.0.1")
                .txt("_mta-sts.nopolicy.test", "v=STSv1; id=1")
                .a("mta-sts.nopolicy.test", "127.0.0.1");
        resolver = new MxResolver(
                io.vertx.mutiny.core.Vertx.newInstance(vertx), Optional.of(List.of("127.0.0.1:" + dns.port())));
    }

    @AfterAll
    static void stop() {
        dns.close();
        vertx.close();
    }

    private static OutboundMessage message(String to) {
        byte[] raw =
                ("From: a@src.test\r\nTo: " + to + "\r\nSubject: t\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        return new OutboundMessage(
                "a@src.test",
                List.of(OutboundMessage.Rcpt.of(to)),
                raw,
                false,
                false,
                Optional.empty(),
                Optional.empty());
    }

    private static SmtpTransport transport(
            int port, TlsPolicy policy, SmtpClientSession.Credentials credentials, double timeoutScale) {
        return transport(port, policy, credentials, timeoutScale, true, List.of("mx.sink.test"));
    }

    private static SmtpTransport transport(
            int port,
            TlsPolicy policy,
            SmtpClientSession.Credentials credentials,
            double timeoutScale,
            boolean trustAll,
            List<String> hosts) {
        SmtpConnector connector = new SmtpConnector(
                vertx,
                "out.test",
                trustAll,
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                timeoutScale,
                credentials);
        MxResolver.Route route = new MxResolver.Hosts(hosts);
        return new SmtpTransport(resolver, d -> Uni.createFrom().item(route), connector, port, policy);
    }

    /** An HTTPS server for mta-sts.<domain> names, answering by Host header. */
    private static io.vertx.core.http.HttpServer policyServer(Map<String, String> policies) {
        io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("mta-sts.test");
        return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(cert.keyCertOptions()))
                .requestHandler(req -> {
                    String policy = policies.get(
                            req.authority() == null ? "" : req.authority().host());
                    if (policy == null || !req.path().equals("/.well-known/mta-sts.txt")) {
                        req.response().setStatusCode(404).end();
                    } else {
                        req.response().putHeader("Content-Type", "text/plain").end(policy);
                    }
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    @Test
    void mtaStsEnforceDeliversOnlyToPolicyMxesOverTlsAndDefersOtherwise() throws Exception {
        io.vertx.core.http.HttpServer https = policyServer(Map.of(
                "mta-sts.sts.test", "version: STSv1\r\nmode: enforce\r\nmx: *.sink.test\r\nmax_age: 86400\r\n",
                "mta-sts.wrongmx.test", "version: STSv1\nmode: enforce\nmx: mx.elsewhere.test\nmax_age: 600\n"));
        Path dir = Files.createTempDirectory("sink");
        try (TestSmtpSink sink = new TestSmtpSink(dir)) {
            MtaSts sts = new MtaSts(vertx, resolver, true, https.actualPort());
            SmtpConnector connector =
                    new SmtpConnector(vertx, "out.test", true, false, Duration.ofSeconds(10), Duration.ZERO, 1.0, null);
            SmtpTransport t = new SmtpTransport(
                    resolver,
                    d -> Uni.createFrom().item(new MxResolver.Hosts(List.of("mx.sink.test"))),
                    connector,
                    sink.port(),
                    TlsPolicy.NONE,
                    sts);

            assertThat(sts.policy("sts.test").await().atMost(Duration.ofSeconds(30)))
                    .hasValueSatisfying(p -> assertThat(p.mode()).isEqualTo(MtaSts.Mode.ENFORCE));
            // enforce overrides tls=none: TLS is used
            Attempt ok = t.deliver("sts.test", message("a@sts.test")).await().atMost(Duration.ofMinutes(2));
            assertThat(ok.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(ok.tls()).startsWith("TLSv1.");

            Attempt refused =
                    t.deliver("wrongmx.test", message("a@wrongmx.test")).await().atMost(Duration.ofMinutes(2));
            assertThat(refused.results().get(0).kind()).isEqualTo(RecipientResult.Kind.TEMPORARY);
            assertThat(refused.results().get(0).reply()).startsWith("451 4.7.5");

            // a TXT record without a fetchable policy: delivered as usual (RFC 8461 §5.1), here without TLS
            Attempt plain = t.deliver("nopolicy.test", message("a@nopolicy.test"))
                    .await()
                    .atMost(Duration.ofMinutes(2));
            assertThat(plain.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(plain.tls()).isNull();
            t.close();
        } finally {
            https.close();
        }
    }

    @Test
    void mtaStsPolicyParsing() {
        assertThat(MtaSts.parse("version: STSv1\nmode: testing\nmx: a.x\nmx: *.y.z\nmax_age: 60\n"))
                .hasValueSatisfying(p -> {
                    assertThat(p.mode()).isEqualTo(MtaSts.Mode.TESTING);
                    assertThat(p.matches("a.x")).isTrue();
                    assertThat(p.matches("mx1.y.z")).isTrue();
                    assertThat(p.matches("deep.mx1.y.z")).isFalse();
                    assertThat(p.matches("y.z")).isFalse();
                });
        assertThat(MtaSts.parse("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n"))
                .isEmpty();
        assertThat(MtaSts.parse("version: STSv1\nmode: enforce\nmax_age: 1\n")).isEmpty();
    }

    @Test
    void certificatesAreVerifiedUnlessTrustAll() throws Exception {
        // the sink's certificate is self-signed: verification fails
        try (TestSmtpSink sink = new TestSmtpSink(Files.createTempDirectory("sink"))) {
            SmtpTransport opportunistic =
                    transport(sink.port(), TlsPolicy.OPPORTUNISTIC, null, 1.0, false, List.of("mx.sink.test"));
            Attempt a = deliver(opportunistic, "x@d.test");
            // opportunistic: the failed handshake falls back to cleartext with the same host
            assertThat(a.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(a.tls()).isNull();
            opportunistic.close();
            SmtpTransport required =
                    transport(sink.port(), TlsPolicy.REQUIRED, null, 1.0, false, List.of("mx.sink.test"));
            RecipientResult r = deliver(required, "y@d.test").results().get(0);
            assertThat(r.kind()).isEqualTo(RecipientResult.Kind.TEMPORARY);
            assertThat(r.reply()).contains("TLS handshake failed");
            required.close();
        }
    }

    @Test
    void aTemporaryGreetingMovesOnToTheNextMx() throws Exception {
        Path dir = Files.createTempDirectory("sink");
        try (TestSmtpSink sink = new TestSmtpSink(dir);
                ServerSocket busy = new ServerSocket(sink.port(), 10, InetAddress.getByName("127.0.0.3"))) {
            Thread greeter = new Thread(() -> {
                while (!busy.isClosed()) {
                    try (Socket s = busy.accept()) {
                        s.getOutputStream().write("421 4.3.2 busy.sink.test too busy, try another\r\n".getBytes());
                        s.getOutputStream().flush();
                        s.getInputStream().read(new byte[512]);
                    } catch (Exception ignored) {
                        // next connection
                    }
                }
            });
            greeter.setDaemon(true);
            greeter.start();
            SmtpTransport t = transport(
                    sink.port(), TlsPolicy.OPPORTUNISTIC, null, 1.0, true, List.of("busy.sink.test", "mx.sink.test"));
            Attempt a = deliver(t, "x@d.test");
            assertThat(a.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(a.mxHost()).isEqualTo("mx.sink.test");
            t.close();
        }
    }

    private static Attempt deliver(SmtpTransport t, String to) {
        return t.deliver("d.test", message(to)).await().atMost(Duration.ofMinutes(2));
    }

    @Test
    void consecutiveMessagesToTheSameHostShareOneSession() throws Exception {
        Path dir = Files.createTempDirectory("sink");
        try (TestSmtpSink sink = new TestSmtpSink(dir)) {
            SmtpTransport t = transport(sink.port(), TlsPolicy.OPPORTUNISTIC, null, 1.0);
            Attempt first = deliver(t, "one@d.test");
            Attempt second = deliver(t, "two@d.test");
            assertThat(first.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(second.results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            assertThat(first.tls()).isNotNull();
            assertThat(Files.readString(dir.resolve("1.session")))
                    .isEqualTo(Files.readString(dir.resolve("2.session")));
            t.close();
        }
    }

    @Test
    void relayWithAuthPlainAndWrongPasswordIsOnlyDeferred() throws Exception {
        Path dir = Files.createTempDirectory("sink");
        try (TestSmtpSink sink = new TestSmtpSink(dir, true, "relayuser", "s3cret")) {
            SmtpTransport good = transport(
                    sink.port(), TlsPolicy.REQUIRED, new SmtpClientSession.Credentials("relayuser", "s3cret"), 1.0);
            assertThat(deliver(good, "x@d.test").results().get(0).kind()).isEqualTo(RecipientResult.Kind.DELIVERED);
            good.close();
            SmtpTransport bad = transport(
                    sink.port(), TlsPolicy.REQUIRED, new SmtpClientSession.Credentials("relayuser", "wrong"), 1.0);
            RecipientResult r = deliver(bad, "y@d.test").results().get(0);
            assertThat(r.kind()).isEqualTo(RecipientResult.Kind.TEMPORARY);
            assertThat(r.reply()).contains("authentication refused");
            bad.close();
        }
    }

    @Test
    void aRelayHostGivenAsAnAddressIsUsedWithoutDns() throws Exception {
        Path dir = Files.createTempDirectory("sink");
        try (TestSmtpSink sink = new TestSmtpSink(dir)) {
            for (String host : List.of("127.0.0.1", "[127.0.0.1]", "localhost")) {
                SmtpTransport t = transport(sink.port(), TlsPolicy.OPPORTUNISTIC, null, 1.0, true, List.of(host));
                Attempt attempt = deliver(t, "x@d.test");
                assertThat(attempt.results().get(0).kind()).as(host).isEqualTo(RecipientResult.Kind.DELIVERED);
                t.close();
            }
        }
    }

    @Test
    void requiredTlsAgainstAServerWithoutStartTlsDefers() throws Exception {
        try (TestSmtpSink sink = new TestSmtpSink(Files.createTempDirectory("sink"), false, null, null)) {
            SmtpTransport t = transport(sink.port(), TlsPolicy.REQUIRED, null, 1.0);
            RecipientResult r = deliver(t, "x@d.test").results().get(0);
            assertThat(r.kind()).isEqualTo(RecipientResult.Kind.TEMPORARY);
            assertThat(r.reply()).contains("TLS is required");
            t.close();
        }
    }

    @Test
    void aServerThatNeverGreetsTimesOutAsATemporaryFailure() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    Socket s = silent.accept();
                    Thread.sleep(60_000);
                    s.close();
                } catch (Exception ignored) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            // the RFC 5321 timeouts scaled down: the 5-minute greeting wait becomes the 100 ms floor
            SmtpTransport t = transport(silent.getLocalPort(), TlsPolicy.OPPORTUNISTIC, null, 0.0001);
            RecipientResult r = deliver(t, "x@d.test").results().get(0);
            assertThat(r.kind()).isEqualTo(RecipientResult.Kind.TEMPORARY);
            assertThat(r.reply()).contains("timeout");
            t.close();
        }
    }
}
