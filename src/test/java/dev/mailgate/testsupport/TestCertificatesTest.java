package dev.mailgate.testsupport;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCertificatesTest {

    @TempDir
    Path folder;

    @Test
    void writesPemFilesThatReadBack() throws Exception {
        TestCertificates generated = TestCertificates.generate(folder);

        assertThat(Files.readString(generated.certPath())).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(generated.keyPath())).startsWith("-----BEGIN PRIVATE KEY-----\n");

        TestCertificates read = TestCertificates.read(folder);
        X509Certificate certificate = read.certificate();
        assertThat(certificate).isEqualTo(generated.certificate());
        assertThat(read.privateKey().getEncoded())
                .isEqualTo(generated.privateKey().getEncoded());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getSubjectAlternativeNames()).contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        long validity =
                certificate.getNotAfter().getTime() - certificate.getNotBefore().getTime();
        assertThat(Duration.ofMillis(validity))
                .isBetween(Duration.ofDays(1), Duration.ofDays(1).plusMinutes(2));
        certificate.checkValidity();
        certificate.verify(certificate.getPublicKey());
    }

    @Test
    void clientsTrustingItCompleteAHandshakeByNameAndByAddress() throws Exception {
        TestCertificates certificates = TestCertificates.generate(folder);
        for (String host : List.of("localhost", "127.0.0.1")) {
            assertThat(echoOverTls(certificates.serverContext(), certificates.clientContext(), host))
                    .isEqualTo("hello");
        }
    }

    @Test
    void aTrustStoreFileWorksForTools() throws Exception {
        TestCertificates certificates = TestCertificates.generate(folder);
        Path file = certificates.writeTrustStore(folder.resolve("truststore.p12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, "changeit".toCharArray());
        }
        assertThat(store.getCertificate("mailgate-test")).isEqualTo(certificates.certificate());
    }

    @Test
    void clientsTrustingAnotherCertificateRefuseIt() throws Exception {
        TestCertificates server = TestCertificates.generate(folder.resolve("server"));
        TestCertificates other = TestCertificates.generate(folder.resolve("other"));
        assertThatThrownBy(() -> echoOverTls(server.serverContext(), other.clientContext(), "localhost"))
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    /** One TLS connection through the loopback interface, checking the host name like an HTTPS client. */
    private static String echoOverTls(SSLContext serverContext, SSLContext clientContext, String host)
            throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) server.accept()) {
                    byte[] line = accepted.getInputStream().readNBytes(5);
                    accepted.getOutputStream().write(line);
                    accepted.getOutputStream().flush();
                } catch (Exception ignored) {
                    // the client reports what went wrong
                }
            });
            try (SSLSocket client =
                    (SSLSocket) clientContext.getSocketFactory().createSocket(host, server.getLocalPort())) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                client.setSSLParameters(parameters);
                client.setSoTimeout(10_000);
                try {
                    client.startHandshake();
                } catch (SSLHandshakeException e) {
                    throw new IllegalStateException("handshake with " + host + " failed", e);
                }
                OutputStream out = client.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String echoed = new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
                serving.get(10, TimeUnit.SECONDS);
                return echoed;
            }
        }
    }
}
