package dev.mailgate.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The packaged artifact (jar here, native executable in the workflow) comes up ready against real surroundings. */
@QuarkusIntegrationTest
class ReadinessIT {

    @Test
    void readyWithDatabaseKeycloakAndBothSmtpDoors() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'smtp-listeners' }.status", equalTo("UP"))
                .body("checks.status", hasItems("UP"));
        // both doors really listen: the numbers come from the running listeners
        RunningApp.smtpPort("587");
        RunningApp.smtpPort("465");
    }

    @Test
    void liveAndPrometheusMetrics() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
