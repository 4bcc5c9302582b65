package dev.mailgate.audit;

import dev.mailgate.testsupport.Db;
import dev.mailgate.testsupport.KeycloakServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class AuditResourceTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Inject
    AuditRetention retention;

    private static void insert(String type, String principal, String client, String at) {
        Db.rows(
                "INSERT INTO audit_event (occurred_at, type, principal, client_address, door, detail)"
                        + " VALUES (?::timestamptz, ?, ?, ?, '587', 'test') RETURNING id",
                at,
                type,
                principal,
                client);
    }

    @Test
    void filtersAndCursorPagination() {
        String principal = "audit-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            insert("auth.failure", principal, "192.0.2." + i, "2026-11-20T10:00:0" + i + "Z");
        }
        insert("auth.success", principal, "192.0.2.1", "2026-11-20T11:00:00Z");
        String token = keycloak.clientCredentialsToken("admin-app");
        List<String> clients = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth()
                    .oauth2(token)
                    .queryParam("principal", principal)
                    .queryParam("type", "auth.failure")
                    .queryParam("limit", 2);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when()
                    .get("/v1/audit")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            clients.addAll(page.getList("events.client_address"));
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(clients).containsExactly("192.0.2.4", "192.0.2.3", "192.0.2.2", "192.0.2.1", "192.0.2.0");
        assertThat(pages).isEqualTo(3);

        given().auth()
                .oauth2(token)
                .queryParam("principal", principal)
                .queryParam("client", "192.0.2.1")
                .queryParam("from", "2026-11-20T10:30:00Z")
                .queryParam("to", "2026-11-20T12:00:00Z")
                .when()
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("events.size()", equalTo(1))
                .body("events[0].type", equalTo("auth.success"));
        given().auth()
                .oauth2(token)
                .queryParam("from", "yesterday")
                .when()
                .get("/v1/audit")
                .then()
                .statusCode(400);
    }

    @Test
    void onlyAdminsMayRead() {
        given().auth()
                .oauth2(keycloak.clientCredentialsToken("sender-app"))
                .when()
                .get("/v1/audit")
                .then()
                .statusCode(403);
        given().when().get("/v1/audit").then().statusCode(401);
    }

    @Test
    void retentionDeletesOldRows() {
        String principal = "old-" + UUID.randomUUID();
        insert("smtp.connect", principal, "192.0.2.9", "2020-01-01T00:00:00Z");
        insert(
                "smtp.connect",
                principal,
                "192.0.2.9",
                java.time.Instant.now().minus(Duration.ofDays(1)).toString());
        retention.purge().await().atMost(Duration.ofSeconds(30));
        assertThat(Db.count("SELECT count(*) FROM audit_event WHERE principal = ?", principal))
                .isEqualTo(1);
    }
}
