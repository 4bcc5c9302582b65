package dev.mailgate.it;

import io.restassured.path.json.JsonPath;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/**
 * What an integration test learns about the launched artifact from outside, as an operator would.
 *
 * <p>The suite-wide {@code Surroundings} asks for SMTP port 0 (a free port per door). A
 * {@code @QuarkusIntegrationTest} cannot inject {@code SmtpListeners} to ask which ports were taken, so it
 * reads them where the application publishes them: the {@code smtp-listeners} readiness check
 * ({@code "587": "listening on 40123"}).
 */
final class RunningApp {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

    private RunningApp() {}

    static JsonPath readiness() {
        return given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The port of a door ({@code "587"} or {@code "465"}) as published by the readiness check. */
    static int smtpPort(String door) {
        String state = readiness().getString("checks.find { it.name == 'smtp-listeners' }.data.'" + door + "'");
        if (state == null) {
            throw new AssertionError("readiness does not report SMTP door " + door + ": "
                    + readiness().prettify());
        }
        Matcher m = LISTENING.matcher(state);
        if (!m.matches()) {
            throw new AssertionError("SMTP door " + door + " is not listening: " + state);
        }
        return Integer.parseInt(m.group(1));
    }
}
