package dev.mailgate.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@TestProfile(ApiOnlyProfile.class)
class OpenApiTest {

    @Test
    void documentsTheApiWithSchemasAndExamples() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths", hasKey("/v1/messages"))
                .body("paths", hasKey("/v1/messages/raw"))
                .body("paths", hasKey("/v1/messages/{id}"))
                .body(
                        "paths.'/v1/messages'.post.requestBody.content.'application/json'.examples",
                        hasKey("html-attachment"))
                .body(
                        "paths.'/v1/messages'.post.responses.'202'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/Accepted"))
                .body(
                        "paths.'/v1/messages'.post.responses.'422'.content.'application/problem+json'.schema.'$ref'",
                        equalTo("#/components/schemas/Problem"))
                .body("components.schemas.SendRequest.properties", hasKey("reply_to"))
                .body("components.schemas.Attachment.properties", hasKey("content_type"))
                .body("components.schemas.Attachment.properties", hasKey("content_id"))
                .body("components.schemas.RecipientStatus.properties", hasKey("attempt_count"))
                .body(
                        "components.schemas.Problem.properties.type.examples[0]",
                        equalTo("https://mailgate.dev/problems/sender-not-owned"))
                .body("components.securitySchemes.keycloak.scheme", equalTo("bearer"))
                .body("paths.'/v1/messages/raw'.post.requestBody.content", hasKey("message/rfc822"))
                .body("info.title", notNullValue());
    }
}
