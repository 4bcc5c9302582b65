package dev.mailgate.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The HTTP API alone: SMTP listeners off (no TLS certificate needed), small limits so the limit
 * tests send small bodies, and a sending limit of one message a minute for the principal {@code limited}.
 */
public class ApiOnlyProfile implements QuarkusTestProfile {

    static final int MAX_MESSAGE = 200_000;
    static final int MAX_RECIPIENTS = 5;
    static final int MAX_ATTACHMENTS = 100_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mailgate.smtp.submission-port",
                "-1",
                "mailgate.smtp.submissions-port",
                "-1",
                "mailgate.limits.principal.limited.messages-per-minute",
                "1",
                "mailgate.limits.max-message-size",
                String.valueOf(MAX_MESSAGE),
                "mailgate.limits.recipients-per-message",
                String.valueOf(MAX_RECIPIENTS),
                "mailgate.api.max-attachments-size",
                String.valueOf(MAX_ATTACHMENTS),
                "quarkus.http.limits.max-body-size",
                "1M",
                "mailgate.api.idempotency-wait",
                "1s");
    }
}
