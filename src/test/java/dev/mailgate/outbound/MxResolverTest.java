package dev.mailgate.outbound;

import io.vertx.mutiny.core.dns.MxRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MxResolverTest {

    private static MxRecord mx(int pref, String name) {
        return MxRecord.newInstance(new io.vertx.core.dns.impl.MxRecordImpl(pref, name));
    }

    @Test
    void addressLiteralsAndLocalhostAreNotDnsQuestions() {
        assertThat(MxResolver.withoutDns("127.0.0.1")).contains(List.of("127.0.0.1"));
        assertThat(MxResolver.withoutDns("[192.0.2.25]")).contains(List.of("192.0.2.25"));
        assertThat(MxResolver.withoutDns("[2001:db8::1]")).contains(List.of("2001:db8::1"));
        assertThat(MxResolver.withoutDns("::1")).contains(List.of("::1"));
        assertThat(MxResolver.withoutDns("LocalHost")).contains(List.of("127.0.0.1", "::1"));
        assertThat(MxResolver.withoutDns("mx.example.com")).isEmpty();
        assertThat(MxResolver.withoutDns("256.1.1.1")).isEmpty();
        assertThat(MxResolver.withoutDns("1.2.3.4.example")).isEmpty();
    }

    @Test
    void nullMxMeansNoMail() {
        assertThat(MxResolver.toRoute("d", List.of(mx(0, "")))).isInstanceOf(MxResolver.NullMx.class);
        assertThat(MxResolver.toRoute("d", List.of(mx(0, ".")))).isInstanceOf(MxResolver.NullMx.class);
    }

    @Test
    void noMxMeansImplicitMx() {
        assertThat(MxResolver.toRoute("d.test", List.of())).isEqualTo(new MxResolver.Hosts(List.of("d.test")));
    }

    @Test
    void preferenceOrderWithEqualPreferencesShuffled() {
        boolean sawAFirst = false;
        boolean sawBFirst = false;
        for (int i = 0; i < 200 && !(sawAFirst && sawBFirst); i++) {
            List<String> hosts = ((MxResolver.Hosts)
                            MxResolver.toRoute("d", List.of(mx(20, "c."), mx(10, "a"), mx(10, "b"), mx(5, "first"))))
                    .hosts();
            assertThat(hosts.get(0)).isEqualTo("first");
            assertThat(hosts.subList(1, 3)).containsExactlyInAnyOrder("a", "b");
            assertThat(hosts.get(3)).isEqualTo("c");
            sawAFirst |= hosts.get(1).equals("a");
            sawBFirst |= hosts.get(1).equals("b");
        }
        assertThat(sawAFirst && sawBFirst).isTrue();
    }
}
