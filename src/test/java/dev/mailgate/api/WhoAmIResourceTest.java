package dev.mailgate.api;

import dev.mailgate.testsupport.KeycloakServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Tokens from the real Keycloak reach a protected endpoint; tokens from elsewhere do not. */
@QuarkusTest
public class WhoAmIResourceTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    public void serviceAccountTokenIsAcceptedWithItsSenderClaim() {
        given().auth()
                .oauth2(keycloak.clientCredentialsToken("sender-app"))
                .when()
                .get("/v1/whoami")
                .then()
                .statusCode(200)
                .body("principal", equalTo("service-account-sender-app"))
                .body("maySend", equalTo(true))
                .body("roles", hasItem("mail-send"))
                .body("allowedSenders", containsInAnyOrder("app@example.com", "@apps.example.com"));
    }

    @Test
    public void userTokenCarriesTheVerifiedEmail() {
        given().auth()
                .oauth2(keycloak.passwordToken("mail-client", "alice"))
                .when()
                .get("/v1/whoami")
                .then()
                .statusCode(200)
                .body("principal", equalTo("alice"))
                .body("email", equalTo("alice@example.com"))
                .body("maySend", equalTo(true));
    }

    @Test
    public void userWithoutTheSendRoleMayNotSend() {
        given().auth()
                .oauth2(keycloak.passwordToken("mail-client", "bob"))
                .when()
                .get("/v1/whoami")
                .then()
                .statusCode(200)
                .body("maySend", equalTo(false));
    }

    @Test
    public void tokenOfAnotherRealmIsRefused() {
        given().auth()
                .oauth2(keycloak.otherRealmToken())
                .when()
                .get("/v1/whoami")
                .then()
                .statusCode(401);
    }

    @Test
    public void noTokenIsRefused() {
        given().when().get("/v1/whoami").then().statusCode(401);
    }
}
