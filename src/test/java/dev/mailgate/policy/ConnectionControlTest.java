package dev.mailgate.policy;

import dev.mailgate.inbound.ProxyHeaderTest;
import dev.mailgate.inbound.SmtpListeners;
import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Behind a (simulated) load balancer: PROXY protocol on both listeners, the proxy at 127.0.0.2; allow/deny
 * lists and connection limits apply to the address the PROXY header names, and so does every audit row.
 */
@QuarkusTest
@TestProfile(ConnectionControlTest.BehindProxy.class)
class ConnectionControlTest {

    public static class BehindProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mailgate.smtp.proxy-protocol",
                    "true",
                    "mailgate.smtp.trusted-proxies",
                    "127.0.0.2,127.0.0.3",
                    "mailgate.smtp.deny",
                    "198.51.100.0/24,2001:db8:bad::/48,127.0.0.5",
                    "mailgate.smtp.lists-apply-to-api",
                    "true",
                    "mailgate.smtp.max-connections-per-address",
                    "2");
        }
    }

    private static final String PROXY = "127.0.0.2";

    @Inject
    SmtpListeners listeners;

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void proxyV1AddressIsTheClientAddressEverywhere() {
        try (SmtpTestClient smtp =
                viaProxy(v1("203.0.113.7"), Door.SMTP_STARTTLS).secured()) {
            assertThat(smtp.authXoauth2("app@example.com", keycloak.clientCredentialsToken("sender-app")))
                    .startsWith("235");
        }
        awaitRow("SELECT count(*) FROM audit_event WHERE type = 'smtp.connect' AND client_address = '203.0.113.7'");
        awaitRow("SELECT count(*) FROM audit_event WHERE type = 'auth.success' AND client_address = '203.0.113.7'");
    }

    @Test
    void proxyV2OnImplicitTls() throws Exception {
        try (SmtpTestClient smtp =
                viaProxy(ProxyHeaderTest.v2("2001:db8:1::77", 40000, "2001:db8::1", 465), Door.SMTP_IMPLICIT_TLS)) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.negotiatedProtocol()).startsWith("TLSv1.");
            assertThat(smtp.command("EHLO client.test")).contains("AUTH");
        }
        awaitRow(
                "SELECT count(*) FROM audit_event WHERE type = 'smtp.connect' AND client_address = '2001:db8:1:0:0:0:0:77'");
    }

    @Test
    void proxyV2OnStartTls() throws Exception {
        try (SmtpTestClient smtp =
                viaProxy(ProxyHeaderTest.v2("192.0.2.44", 40000, "10.0.0.1", 587), Door.SMTP_STARTTLS)) {
            assertThat(smtp.reply()).startsWith("220 ");
        }
        awaitRow("SELECT count(*) FROM audit_event WHERE type = 'smtp.connect' AND client_address = '192.0.2.44'");
    }

    @Test
    void proxyHeaderFromAnUntrustedPeerIsRefused() {
        try (SmtpTestClient smtp =
                SmtpTestClient.from("127.0.0.1", port(Door.SMTP_STARTTLS), tls(), v1("203.0.113.8"), false)) {
            assertThat(smtp.reply()).startsWith("554 5.7.1");
            assertThat(smtp.closedByServer()).isTrue();
        }
        awaitRow(
                "SELECT count(*) FROM audit_event WHERE type = 'smtp.connection.refused' AND client_address = '127.0.0.1'"
                        + " AND detail LIKE 'reason=proxy-untrusted%'");
        assertThat(Db.count("SELECT count(*) FROM audit_event WHERE client_address = '203.0.113.8'"))
                .isZero();
    }

    @Test
    void garbageInsteadOfAProxyHeaderIsRefused() {
        try (SmtpTestClient smtp = viaProxy("EHLO hello\r\n".getBytes(StandardCharsets.US_ASCII), Door.SMTP_STARTTLS)) {
            assertThat(smtp.reply()).startsWith("554 5.7.1");
        }
    }

    @Test
    void deniedNetworksGet554AndAreClosed() {
        for (String denied : new String[] {"198.51.100.9", "2001:db8:bad::1"}) {
            try (SmtpTestClient smtp = viaProxy(v1(denied), Door.SMTP_STARTTLS)) {
                assertThat(smtp.reply()).startsWith("554 5.7.1");
                assertThat(smtp.closedByServer()).isTrue();
            }
        }
        awaitRow(
                "SELECT count(*) FROM audit_event WHERE type = 'smtp.connection.refused' AND client_address = '198.51.100.9'"
                        + " AND detail LIKE 'reason=denied%'");
    }

    @Test
    void thirdConcurrentConnectionFromOneAddressGets421() {
        String client = "203.0.113.99";
        try (SmtpTestClient one = viaProxy(v1(client), Door.SMTP_STARTTLS);
                SmtpTestClient two = viaProxy(v1(client), Door.SMTP_STARTTLS)) {
            assertThat(one.reply()).startsWith("220");
            assertThat(two.reply()).startsWith("220");
            try (SmtpTestClient three = viaProxy(v1(client), Door.SMTP_STARTTLS)) {
                assertThat(three.reply()).startsWith("421 4.7.0");
            }
            // another client behind the same proxy is not affected
            try (SmtpTestClient other = viaProxy(v1("203.0.113.100"), Door.SMTP_STARTTLS)) {
                assertThat(other.reply()).startsWith("220");
            }
        }
        // slots are given back on close
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (SmtpTestClient again = viaProxy(v1(client), Door.SMTP_STARTTLS)) {
                assertThat(again.reply()).startsWith("220");
            }
        });
    }

    @Test
    void theListsGuardTheApiToo() throws Exception {
        assertThat(httpStatus("127.0.0.5", "/v1/whoami")).isEqualTo(403);
        assertThat(httpStatus("127.0.0.6", "/v1/whoami")).isEqualTo(401); // allowed through, then needs a token
        assertThat(httpStatus("127.0.0.5", "/q/health/live")).isEqualTo(200);
        awaitRow("SELECT count(*) FROM audit_event WHERE type = 'http.refused' AND client_address = '127.0.0.5'");
    }

    /** A raw HTTP/1.1 GET from a chosen loopback source address; answers the status code. */
    private int httpStatus(String from, String path) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(from, 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", health.getPort()), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/health/live")
    java.net.URL health;

    private static byte[] v1(String source) {
        String family = source.contains(":") ? "TCP6" : "TCP4";
        String destination = source.contains(":") ? "2001:db8::1" : "10.0.0.1";
        return ("PROXY " + family + " " + source + " " + destination + " 50000 587\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private SmtpTestClient viaProxy(byte[] header, Door door) {
        return SmtpTestClient.from(PROXY, port(door), tls(), header, door == Door.SMTP_IMPLICIT_TLS);
    }

    private static void awaitRow(String sql) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(sql) > 0);
    }

    private static SSLContext tls() {
        return Surroundings.certificates().clientContext();
    }

    private int port(Door door) {
        return listeners.boundPorts().get(door);
    }
}
