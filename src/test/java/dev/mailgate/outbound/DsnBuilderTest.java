package dev.mailgate.outbound;

import dev.mailgate.queue.DeliveryLedger.StoredMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** DSNs parsed back with mime4j: the RFC 3464 structure and the DSN parameters of the submission. */
class DsnBuilderTest {

    private static final byte[] ORIGINAL = ("From: a@src.test\r\nTo: b@dst.test\r\nSubject: orig\r\n\r\nthe body\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static StoredMessage stored(Optional<String> ret, Optional<String> envid) {
        return new StoredMessage(
                UUID.randomUUID(),
                Instant.parse("2026-11-26T10:00:00Z"),
                "a@src.test",
                ORIGINAL,
                false,
                Optional.empty(),
                ret,
                envid,
                Optional.empty(),
                "api");
    }

    private static Message parse(byte[] dsn) throws Exception {
        return new DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(dsn));
    }

    private static String text(Entity e) throws Exception {
        return new String(((SingleBody) e.getBody()).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void multipartReportWithStatusAndHeadersOnlyByDefault() throws Exception {
        DsnBuilder.Failed f = new DsnBuilder.Failed(
                "b@dst.test",
                Optional.of("rfc822;B@dst.test"),
                "failed",
                "5.1.1",
                "550 5.1.1 no such user",
                "mx.dst.test",
                Instant.now());
        Message dsn = parse(DsnBuilder.build(
                "out.test",
                stored(Optional.empty(), Optional.of("ENV42")),
                List.of(f),
                UUID.randomUUID(),
                Instant.now()));
        assertThat(dsn.getMimeType()).isEqualTo("multipart/report");
        assertThat(dsn.getHeader().getField("Content-Type").getBody()).contains("report-type=delivery-status");
        assertThat(dsn.getTo().toString()).contains("a@src.test");
        assertThat(dsn.getHeader().getField("Auto-Submitted").getBody()).isEqualTo("auto-replied");
        List<Entity> parts = ((Multipart) dsn.getBody()).getBodyParts();
        assertThat(parts)
                .extracting(Entity::getMimeType)
                .containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        String status = text(parts.get(1));
        assertThat(status)
                .contains(
                        "Reporting-MTA: dns; out.test\r\n",
                        "Original-Envelope-Id: ENV42\r\n",
                        "Arrival-Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n",
                        "\r\n\r\nOriginal-Recipient: rfc822;B@dst.test\r\n",
                        "Final-Recipient: rfc822; b@dst.test\r\n",
                        "Action: failed\r\n",
                        "Status: 5.1.1\r\n",
                        "Remote-MTA: dns; mx.dst.test\r\n",
                        "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n");
        assertThat(text(parts.get(2))).contains("Subject: orig").doesNotContain("the body");
    }

    @Test
    void retFullReturnsTheWholeMessage() throws Exception {
        DsnBuilder.Failed f =
                new DsnBuilder.Failed("b@dst.test", Optional.empty(), "failed", "5.0.0", "554 no", null, Instant.now());
        byte[] raw = DsnBuilder.build(
                "out.test",
                stored(Optional.of("FULL"), Optional.empty()),
                List.of(f),
                UUID.randomUUID(),
                Instant.now());
        assertThat(new String(raw, StandardCharsets.UTF_8))
                .contains("Content-Type: message/rfc822")
                .contains("the body")
                .doesNotContain("Original-Envelope-Id")
                .doesNotContain("Remote-MTA");
    }

    @Test
    void notifyDecidesWhoIsTold() {
        assertThat(DsnBuilder.wantsFailureNotice(null)).isTrue();
        assertThat(DsnBuilder.wantsFailureNotice("SUCCESS,FAILURE")).isTrue();
        assertThat(DsnBuilder.wantsFailureNotice("NEVER")).isFalse();
        assertThat(DsnBuilder.wantsFailureNotice("DELAY")).isFalse();
        assertThat(DsnBuilder.wantsDelayNotice(null)).isTrue();
        assertThat(DsnBuilder.wantsDelayNotice("FAILURE")).isFalse();
        assertThat(DsnBuilder.wantsDelayNotice("FAILURE,DELAY")).isTrue();
    }
}
