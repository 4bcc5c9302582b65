package dev.mailgate.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The HTTP API alone: SMTP listeners off, so no TLS certificate is needed. */
public class ApiOnlyProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mailgate.smtp.submission-port", "-1", "mailgate.smtp.submissions-port", "-1");
    }
}
