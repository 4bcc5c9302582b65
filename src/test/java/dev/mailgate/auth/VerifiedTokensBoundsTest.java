package dev.mailgate.auth;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a verification is trusted, with a clock the test moves (the real tokens: VerifiedTokensTest). */
class VerifiedTokensBoundsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void anEntryEndsAtTheTokensExpiry() {
        MovableClock clock = new MovableClock();
        VerifiedTokens tokens = new VerifiedTokens(new SimpleMeterRegistry(), clock);
        tokens.remember("t", identity(NOW.plusSeconds(60)));
        clock.now = NOW.plusSeconds(59);
        assertThat(tokens.find("t")).isPresent();
        clock.now = NOW.plusSeconds(60);
        assertThat(tokens.find("t")).isEmpty();
    }

    @Test
    void aLongLivedTokenIsTrustedForFiveMinutesAtMostThenVerifiedAgain() {
        MovableClock clock = new MovableClock();
        VerifiedTokens tokens = new VerifiedTokens(new SimpleMeterRegistry(), clock);
        tokens.remember("t", identity(NOW.plus(Duration.ofHours(10))));
        clock.now = NOW.plus(VerifiedTokens.MAX_AGE).minusSeconds(1);
        assertThat(tokens.find("t")).isPresent();
        clock.now = NOW.plus(VerifiedTokens.MAX_AGE);
        assertThat(tokens.find("t")).isEmpty();
    }

    @Test
    void expiredOrExpiryLessTokensAreNotKept() {
        VerifiedTokens tokens = new VerifiedTokens(new SimpleMeterRegistry(), new MovableClock());
        tokens.remember("old", identity(NOW.minusSeconds(1)));
        tokens.remember(
                "anonymous",
                QuarkusSecurityIdentity.builder().setAnonymous(true).build());
        assertThat(tokens.find("old")).isEmpty();
        assertThat(tokens.find("anonymous")).isEmpty();
    }

    @Test
    void whenFullExpiredEntriesMakeRoomAndOtherwiseNothingNewIsKept() {
        MovableClock clock = new MovableClock();
        VerifiedTokens tokens = new VerifiedTokens(new SimpleMeterRegistry(), clock);
        for (int i = 0; i < VerifiedTokens.MAX_ENTRIES; i++) {
            tokens.remember("t" + i, identity(NOW.plusSeconds(i < 10 ? 30 : 3600)));
        }
        tokens.remember("extra", identity(NOW.plusSeconds(3600)));
        assertThat(tokens.find("extra")).isEmpty();
        clock.now = NOW.plusSeconds(31); // ten entries have expired
        tokens.remember("extra", identity(NOW.plusSeconds(3600)));
        assertThat(tokens.find("extra")).isPresent();
        assertThat(tokens.find("t500")).isPresent();
    }

    private static SecurityIdentity identity(Instant expiry) {
        JsonWebToken jwt = new io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal("raw", claims(expiry));
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addRoles(Set.of("mail-send"))
                .build();
    }

    private static org.jose4j.jwt.JwtClaims claims(Instant expiry) {
        org.jose4j.jwt.JwtClaims claims = new org.jose4j.jwt.JwtClaims();
        claims.setSubject("s");
        claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(expiry.getEpochSecond()));
        return claims;
    }

    private static final class MovableClock extends Clock {
        Instant now = NOW;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
