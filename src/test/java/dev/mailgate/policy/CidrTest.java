package dev.mailgate.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void ipv4() {
        Cidr c = Cidr.parse("192.0.2.0/24");
        assertThat(c.contains("192.0.2.77")).isTrue();
        assertThat(c.contains("192.0.3.1")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/9").contains("10.127.255.255")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/9").contains("10.128.0.0")).isFalse();
        assertThat(Cidr.parse("203.0.113.5").contains("203.0.113.5")).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    }

    @Test
    void ipv6AndMapped() {
        Cidr c = Cidr.parse("2001:db8:bad::/48");
        assertThat(c.contains("2001:db8:bad:1::5")).isTrue();
        assertThat(c.contains("2001:db8:bae::5")).isFalse();
        assertThat(c.contains("192.0.2.1")).isFalse();
        assertThat(Cidr.parse("192.0.2.0/24").contains("::ffff:192.0.2.9")).isTrue();
    }

    @Test
    void neverResolvesNames() {
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Cidr.parse("10.0.0.0/8").contains("localhost")).isFalse();
    }
}
