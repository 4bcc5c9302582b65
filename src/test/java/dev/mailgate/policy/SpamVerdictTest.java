package dev.mailgate.policy;

import dev.mailgate.audit.AuditLog;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Submission;
import dev.mailgate.testsupport.Db;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** rspamd's actions mapped to mailgate's answers, and an unreachable rspamd (fail-open and fail-closed). */
@QuarkusTest
class SpamVerdictTest {

    @Inject
    AuditLog audit;

    @Inject
    Vertx vertx;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private static Submission submission() {
        Identity identity = new Identity(
                "verdict-test", Optional.empty(), List.of("app@example.com"), Set.of("mail-send"), "mail-send");
        return new Submission(
                identity,
                "192.0.2.55",
                Door.API,
                UUID.randomUUID(),
                Envelope.simple("app@example.com", List.of("bob@example.net")),
                "From: app@example.com\r\nSubject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8));
    }

    private SpamFilter filter(String url, boolean failOpen) {
        return new SpamFilter(new RspamdClient(vertx, Optional.of(url), 3000), failOpen, audit, metrics);
    }

    @Test
    void actionsMapToReplies() {
        SpamFilter filter = filter("http://127.0.0.1:1", true);
        RspamdClient.Verdict reject = RspamdClient.parse(
                new JsonObject(
                        "{\"action\":\"reject\",\"score\":20,"
                                + "\"required_score\":15,\"symbols\":{\"GTUBE\":{}},\"messages\":{\"smtp_message\":\"Gtube pattern\"}}"));
        assertThat(filter.decide(submission(), reject).refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .isEqualTo("550 5.7.1 Message rejected as spam: Gtube pattern");
        RspamdClient.Verdict soft = RspamdClient.parse(new JsonObject("{\"action\":\"soft reject\",\"score\":1}"));
        assertThat(filter.decide(submission(), soft).refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("451 4.7.1");
        RspamdClient.Verdict header = RspamdClient.parse(
                new JsonObject("{\"action\":\"add header\",\"score\":7.5," + "\"required_score\":15}"));
        SpamFilter.Result flagged = filter.decide(submission(), header);
        assertThat(flagged.refusal()).isEmpty();
        HeaderSection added = HeaderSection.parse((flagged.addHeaders() + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(added.first("x-spam-flag")).contains("YES");
        assertThat(added.first("x-spam-score")).contains("7.5 / 15.0");
        RspamdClient.Verdict clean = RspamdClient.parse(new JsonObject("{\"action\":\"no action\",\"score\":0.1}"));
        assertThat(filter.decide(submission(), clean)).isEqualTo(new SpamFilter.Result(Optional.empty(), ""));
    }

    @Test
    void unreachableRspamdFailsOpenByDefaultWithMetricAndAudit() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        Submission s = submission();
        SpamFilter.Result open = filter(url, true).check(s, null).await().atMost(Duration.ofSeconds(30));
        assertThat(open.refusal()).isEmpty();
        assertThat(metrics.counter("mailgate.filter.verdicts", "verdict", "unavailable")
                        .count())
                .isEqualTo(1.0);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Db.count(
                                "SELECT count(*) FROM audit_event"
                                        + " WHERE type = 'filter.unavailable' AND message_id = ?::uuid AND detail LIKE 'accepted unfiltered%'",
                                s.id().toString())
                        == 1);
        SpamFilter.Result closed =
                filter(url, false).check(submission(), null).await().atMost(Duration.ofSeconds(30));
        assertThat(closed.refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("451 4.7.1 Spam filter unavailable");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
