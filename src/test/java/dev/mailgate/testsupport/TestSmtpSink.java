package dev.mailgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (subethasmtp) on 127.0.0.1 offering STARTTLS with a certificate made here.
 * Every accepted message is written to a folder as {@code N.eml} (the bytes as received, after the
 * server's own Received: line) and {@code N.env} (MAIL FROM, then one RCPT per line) and {@code N.session} (the client address and port: same connection, same value), so tests in
 * another class loader can read them. Recipients at {@code defer.test} get 451 on their first try,
 * those at {@code reject.test} get 550.
 */
public final class TestSmtpSink implements AutoCloseable {

    private final SMTPServer server;
    private final Path dir;
    private final AtomicInteger counter = new AtomicInteger();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();

    public TestSmtpSink(Path dir) {
        this(dir, true, null, null);
    }

    /** With or without STARTTLS; with AUTH (PLAIN/LOGIN) required when a username is given. */
    public TestSmtpSink(Path dir, boolean tls, String username, String password) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            SMTPServer.Builder b = SMTPServer.port(0)
                    .bindAddress(InetAddress.getByName("127.0.0.1"))
                    .hostName("mx.sink.test")
                    .messageHandlerFactory(this::handler)
                    .maxConnections(200);
            if (tls) {
                b.enableTLS().startTlsSocketFactory(sslContext(), false);
            }
            if (username != null) {
                b.requireAuth()
                        .authenticationHandlerFactory(
                                new org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory((u, p, ctx) -> {
                                    if (!u.equals(username) || !p.equals(password)) {
                                        throw new org.subethamail.smtp.auth.LoginFailedException("bad credentials");
                                    }
                                }));
            }
            server = b.build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    private MessageHandler handler(MessageContext ctx) {
        return new MessageHandler() {
            String from;
            final List<String> rcpts = new ArrayList<>();

            @Override
            public void from(String f) {
                from = f;
            }

            @Override
            public void recipient(String r) throws RejectException {
                String domain = r.substring(r.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
                if (domain.equals("reject.test")) {
                    throw new RejectException(550, "5.1.1 <" + r + ">: no such user here");
                }
                if (domain.equals("defer.test")
                        && tries.computeIfAbsent(r, k -> new AtomicInteger()).getAndIncrement() == 0) {
                    throw new RejectException(451, "4.7.1 <" + r + ">: greylisted, try again later");
                }
                rcpts.add(r);
            }

            @Override
            public String data(InputStream data) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                data.transferTo(out);
                int n = counter.incrementAndGet();
                StringBuilder env = new StringBuilder(from == null ? "" : from).append('\n');
                rcpts.forEach(r -> env.append(r).append('\n'));
                Files.write(dir.resolve(n + ".eml.tmp"), out.toByteArray());
                Files.writeString(dir.resolve(n + ".env"), env.toString(), StandardCharsets.UTF_8);
                Files.writeString(
                        dir.resolve(n + ".session"), String.valueOf(ctx.getRemoteAddress()), StandardCharsets.UTF_8);
                Files.move(dir.resolve(n + ".eml.tmp"), dir.resolve(n + ".eml"));
                return null;
            }

            @Override
            public void done() {}
        };
    }

    private static SSLContext sslContext() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name subject = new X500Name("CN=mx.sink.test");
        Date from = new Date(System.currentTimeMillis() - 86_400_000L);
        Date to = new Date(System.currentTimeMillis() + 86_400_000L * 30);
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                subject, BigInteger.valueOf(System.nanoTime()), from, to, subject, kp.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("sink", kp.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Override
    public void close() {
        server.stop();
    }
}
