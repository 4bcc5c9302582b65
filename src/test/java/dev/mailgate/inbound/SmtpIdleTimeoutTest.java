package dev.mailgate.inbound;

import dev.mailgate.mail.Door;
import dev.mailgate.testsupport.SmtpTestClient;
import dev.mailgate.testsupport.Surroundings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that goes silent is told so and disconnected, instead of holding a connection forever. */
@QuarkusTest
@TestProfile(SmtpIdleTimeoutTest.ShortIdle.class)
class SmtpIdleTimeoutTest {

    public static class ShortIdle implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mailgate.smtp.idle-timeout", "2s");
        }
    }

    @Inject
    SmtpListeners listeners;

    @Test
    void silentClientGets421AndIsDisconnected() {
        try (SmtpTestClient smtp = SmtpTestClient.plain(
                listeners.boundPorts().get(Door.SMTP_STARTTLS),
                Surroundings.certificates().clientContext())) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO quiet.test")).startsWith("250");
            // say nothing: the next thing we hear is the server giving up
            assertThat(smtp.reply()).startsWith("421 4.4.2");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }
}
