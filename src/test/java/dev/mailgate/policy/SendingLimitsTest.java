package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import dev.mailgate.mail.SendingLimit;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which limits apply to whom, and what a sender over one is told. Counting them is SendingQuotaTest's. */
@QuarkusTest
class SendingLimitsTest {

    @Inject
    MailgateConfig config;

    @Inject
    SendingLimits limits;

    @Test
    void tokenClaimOverridesConfigWhichOverridesDefaults() {
        Identity plain = identity("someone", Map.of());
        Identity bulk = identity("someone", Map.of("messages-per-minute", 5000, "recipients-per-day", 7));
        assertThat(SendingLimits.windows(config.limits(), plain))
                .containsExactly(new SendingLimit(
                        "messages", Duration.ofMinutes(1), config.limits().messagesPerMinute()));
        assertThat(SendingLimits.windows(config.limits(), bulk))
                .containsExactly(
                        new SendingLimit("messages", Duration.ofMinutes(1), 5000),
                        new SendingLimit("recipients", Duration.ofDays(1), 7));
    }

    @Test
    void aSenderOverALimitIsToldWhichOneAndWhenToTryAgain() {
        Refusal refusal = limits.refusal(new SendingLimit("recipients", Duration.ofDays(1), 10), 42);
        assertThat(refusal.smtpReply())
                .isEqualTo("451 4.7.1 Sending limit exceeded (10 recipients per day), try again in 42 s");
        assertThat(refusal.httpStatus()).isEqualTo(429);
        assertThat(refusal.retryAfter()).hasValue(42);
    }

    private static Identity identity(String principal, Map<String, Integer> claim) {
        return new Identity(principal, Optional.empty(), List.of(), Set.of("mail-send"), "mail-send", claim);
    }
}
