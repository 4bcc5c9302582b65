package dev.mailgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application logs JSON lines, and an audit line carries its fields as fields, so a log
 * pipeline can filter on them without parsing text.
 */
@QuarkusIntegrationTest
class JsonLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void auditLinesAreJsonWithTheirFields() {
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                RunningApp.smtpPort("587"), Surroundings.certificates().clientContext())) {
            smtp.secured();
            SmtpTestClient.expect(smtp.authPlain("json-log-probe", "not-a-password"), "535");
        }
        Path log = Path.of("target", "quarkus.log");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode line = auditLines(log).stream()
                    .filter(n -> n.path("mdc").path("audit.type").asText().equals("auth.failure"))
                    .filter(n -> n.path("message").asText().contains("json-log-probe"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no JSON audit line for the failed AUTH in " + log));
            assertThat(line.path("mdc").path("client_address").asText()).isEqualTo("127.0.0.1");
            assertThat(line.path("mdc").path("door").asText()).isEqualTo("587");
            assertThat(line.path("level").asText()).isEqualTo("INFO");
        });
    }

    private static List<JsonNode> auditLines(Path log) throws IOException {
        return Files.readAllLines(log).stream()
                .filter(l -> l.startsWith("{"))
                .map(l -> {
                    try {
                        return JSON.readTree(l);
                    } catch (IOException notJson) {
                        throw new AssertionError("a log line starting with { is not JSON: " + l);
                    }
                })
                .filter(n -> n.path("loggerName").asText().equals("mailgate.audit"))
                .toList();
    }
}
