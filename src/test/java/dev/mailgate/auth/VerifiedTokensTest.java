package dev.mailgate.auth;

import dev.mailgate.inbound.SmtpListeners;
import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.Surroundings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A token verified once is not verified again while it holds, over HTTP and SMTP alike; any other
 * string, however close, still goes through Quarkus OIDC. (Expiry after caching: MessagesApiTest and
 * SmtpRefusalsTest.)
 */
@QuarkusTest
class VerifiedTokensTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Inject
    MeterRegistry metrics;

    @Inject
    SmtpListeners listeners;

    @Test
    void theSecondRequestWithATokenIsAnsweredFromTheCacheAsTheSamePrincipal() {
        String token = keycloak.clientCredentialsToken("sender-app");
        double hitsBefore = hits();
        whoami(token).statusCode(200).body("principal", equalTo("service-account-sender-app"));
        assertThat(hits()).isEqualTo(hitsBefore);
        whoami(token)
                .statusCode(200)
                .body("principal", equalTo("service-account-sender-app"))
                .body("maySend", equalTo(true));
        assertThat(hits()).isEqualTo(hitsBefore + 1);
    }

    @Test
    void aCachedTokenWithATamperedSignatureOrPayloadIsStillRefused() {
        String token = keycloak.clientCredentialsToken("sender-app");
        whoami(token).statusCode(200);
        String[] parts = token.split("\\.");
        char last = parts[2].charAt(parts[2].length() - 2);
        String signature = parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + parts[2].charAt(parts[2].length() - 1);
        whoami(parts[0] + "." + parts[1] + "." + signature).statusCode(401);
        whoami(token + "x").statusCode(401);
        whoami(token).statusCode(200);
    }

    @Test
    void differentTokensKeepTheirOwnIdentities() {
        String app = keycloak.clientCredentialsToken("sender-app");
        String alice = keycloak.passwordToken("mail-client", "alice");
        String bob = keycloak.passwordToken("mail-client", "bob");
        for (int i = 0; i < 2; i++) {
            whoami(app).statusCode(200).body("principal", equalTo("service-account-sender-app"));
            whoami(alice).statusCode(200).body("principal", equalTo("alice")).body("maySend", equalTo(true));
            whoami(bob).statusCode(200).body("principal", equalTo("bob")).body("maySend", equalTo(false));
        }
    }

    @Test
    void aTokenVerifiedOverHttpIsKnownToSmtp() {
        String token = keycloak.passwordToken("mail-client", "alice");
        whoami(token).statusCode(200);
        double hitsBefore = hits();
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                        listeners.boundPorts().get(Door.SMTP_STARTTLS),
                        Surroundings.certificates().clientContext())
                .secured()) {
            assertThat(smtp.authXoauth2("alice@example.com", token)).startsWith("235 2.7.0");
            assertThat(smtp.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        }
        assertThat(hits()).isEqualTo(hitsBefore + 1);
    }

    private io.restassured.response.ValidatableResponse whoami(String token) {
        return given().auth().oauth2(token).get("/v1/whoami").then();
    }

    private double hits() {
        return metrics.counter("mailgate.auth.token.cache", "result", "hit").count();
    }
}
