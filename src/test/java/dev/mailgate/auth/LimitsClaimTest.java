package dev.mailgate.auth;

import jakarta.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsClaimTest {

    @Test
    void jsonObjectClaim() {
        assertThat(IdentityMapper.limits(Json.createObjectBuilder()
                        .add("messages-per-minute", 500)
                        .add("recipients_per_day", "20000")
                        .add("bogus", 3)
                        .add("messages-per-hour", -1)
                        .build()))
                .isEqualTo(Map.of("messages-per-minute", 500, "recipients-per-day", 20000));
    }

    @Test
    void stringClaim() {
        assertThat(IdentityMapper.limits("messages-per-minute=500, recipients-per-day=x messages-per-day=9"))
                .isEqualTo(Map.of("messages-per-minute", 500, "messages-per-day", 9));
        assertThat(IdentityMapper.limits(null)).isEmpty();
    }
}
