package dev.mailgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves the realm template gives mailgate's tests the tokens they count on. */
class KeycloakServerTest {

    private static KeycloakServer keycloak;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.shared();
    }

    @Test
    void senderAppTokenIsForMailgateWithRoleAndSenderList() {
        JsonNode claims = JwtPayload.of(keycloak.clientCredentialsToken("sender-app"));

        assertThat(claims.get("iss").asText()).isEqualTo(keycloak.realmUrl());
        assertThat(audience(claims)).contains("mailgate");
        assertThat(realmRoles(claims)).contains("mail-send");
        JsonNode senders = claims.get("allowed_senders");
        assertThat(senders.isArray())
                .as("allowed_senders is a JSON array: %s", senders)
                .isTrue();
        assertThat(texts(senders)).containsExactly("app@example.com", "@apps.example.com");
    }

    @Test
    void serviceAccountsDifferOnlyWhereTheirNamesSay() {
        assertThat(realmRoles(JwtPayload.of(keycloak.clientCredentialsToken("no-role-app"))))
                .doesNotContain("mail-send");

        JsonNode noAudience = JwtPayload.of(keycloak.clientCredentialsToken("no-audience-app"));
        assertThat(audience(noAudience)).doesNotContain("mailgate");
        assertThat(realmRoles(noAudience)).contains("mail-send");

        JsonNode admin = JwtPayload.of(keycloak.clientCredentialsToken("admin-app"));
        assertThat(realmRoles(admin)).contains("mail-send", "mail-admin");
        assertThat(audience(admin)).contains("mailgate");
    }

    @Test
    void shortLivedTokensExpireAfterTwoSeconds() {
        JsonNode claims = JwtPayload.of(keycloak.clientCredentialsToken("short-lived-app"));
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(2);
        assertThat(audience(claims)).contains("mailgate");
    }

    @Test
    void aliceGetsAVerifiedEmailAndTheSendRole() {
        JsonNode claims = JwtPayload.of(keycloak.passwordToken("mail-client", "alice"));
        assertThat(claims.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(claims.get("email_verified").asBoolean()).isTrue();
        assertThat(realmRoles(claims)).contains("mail-send");
        assertThat(audience(claims)).contains("mailgate");
    }

    @Test
    void thePasswordGrantAlsoWorksThroughMailgatesOwnClient() {
        // what mailgate does behind SMTP AUTH PLAIN/LOGIN
        JsonNode claims = JwtPayload.of(keycloak.passwordToken("mailgate", "alice"));
        assertThat(claims.get("preferred_username").asText()).isEqualTo("alice");
        assertThat(audience(claims)).contains("mailgate");
    }

    @Test
    void bobMayNotSend() {
        JsonNode claims = JwtPayload.of(keycloak.passwordToken("mail-client", "bob"));
        assertThat(claims.get("email_verified").asBoolean()).isTrue();
        assertThat(realmRoles(claims)).doesNotContain("mail-send");
    }

    @Test
    void carolMayAlsoSendForHerDomain() {
        for (String client : List.of("mail-client", "mailgate")) {
            JsonNode claims = JwtPayload.of(keycloak.passwordToken(client, "carol"));
            assertThat(claims.get("allowed_senders").isArray())
                    .as("via %s: %s", client, claims)
                    .isTrue();
            assertThat(texts(claims.get("allowed_senders"))).containsExactly("@carol.example.org");
            assertThat(realmRoles(claims)).contains("mail-send");
        }
    }

    @Test
    void otherRealmTokenHasEverythingButTheIssuer() {
        JsonNode claims = JwtPayload.of(keycloak.otherRealmToken());
        assertThat(claims.get("iss").asText()).isEqualTo(keycloak.otherRealmUrl());
        assertThat(audience(claims)).contains("mailgate");
        assertThat(realmRoles(claims)).contains("mail-send");
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThatThrownBy(() -> keycloak.passwordToken("mail-client", "alice", "not-" + keycloak.password("alice")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid_grant");
    }

    private static List<String> audience(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isArray() ? texts(aud) : aud.isMissingNode() ? List.of() : List.of(aud.asText());
    }

    private static List<String> realmRoles(JsonNode claims) {
        return texts(claims.path("realm_access").path("roles"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
