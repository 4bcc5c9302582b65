package dev.mailgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.mailgate.testsupport.KeycloakServer;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** A bearer token from the real Keycloak on the REST side, and the JSON of a record (Jackson, reflection in native). */
@QuarkusIntegrationTest
class WhoAmIIT {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void serviceAccountTokenIsSeenWithItsSenders() {
        given().auth().oauth2(keycloak.clientCredentialsToken("sender-app"))
                .when().get("/v1/whoami")
                .then().statusCode(200)
                .body("principal", equalTo("service-account-sender-app"))
                .body("maySend", equalTo(true))
                .body("roles", hasItem("mail-send"))
                .body("allowedSenders", containsInAnyOrder("app@example.com", "@apps.example.com"));
    }

    @Test
    void missingTokenIsRefused() {
        given().when().get("/v1/whoami").then().statusCode(401);
    }
}
