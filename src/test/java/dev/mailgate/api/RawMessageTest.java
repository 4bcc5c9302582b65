package dev.mailgate.api;

import dev.mailgate.mail.HeaderSection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawMessageTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void removesExactlyTheBccFieldsWithTheirContinuationLines() {
        String before = "From: app@example.com\r\nTo: ana@example.net\r\n";
        String bcc1 = "Bcc: hidden@example.com,\r\n\tother@example.com\r\n";
        String middle = "Subject: =?UTF-8?B?w6k=?=\r\n X-Folded: not bcc\r\n";
        String bcc2 = "bcc : third@example.com\r\n";
        String after = "X-Bcc-Info: keep me\r\n\r\nBcc: this is body text, not a header\r\n";
        byte[] message = bytes(before + bcc1 + middle + bcc2 + after);
        HeaderSection headers = RawMessage.check(message);
        assertThat(RawMessage.addresses(headers, "to", "cc", "bcc"))
                .containsExactly("ana@example.net", "hidden@example.com", "other@example.com", "third@example.com");
        byte[] stripped = RawMessage.withoutBcc(message, headers.end());
        assertThat(new String(stripped, StandardCharsets.UTF_8)).isEqualTo(before + middle + after);
    }

    @Test
    void keepsEveryByteWhenThereIsNoBcc() {
        byte[] message = new byte[300];
        byte[] head = bytes("From: a@example.com\r\nTo: b@example.net\r\n\r\n");
        System.arraycopy(head, 0, message, 0, head.length);
        for (int i = head.length; i < message.length; i++) {
            message[i] = (byte) (i % 2 == 0 ? 'a' : 0xE9);
        }
        HeaderSection headers = RawMessage.check(message);
        assertThat(RawMessage.withoutBcc(message, headers.end())).isEqualTo(message);
    }

    @Test
    void refusesBareLineEndsLongLinesAndMissingHeaders() {
        assertThatThrownBy(() -> RawMessage.check(bytes("From: a@example.com\nTo: b@example.net\n\nhi\n")))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.type()).endsWith("/invalid-message"));
        assertThatThrownBy(() -> RawMessage.check(bytes("From: a@example.com\r\n\r\nhi\r.\r\n")))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.getMessage()).contains("bare CR"));
        assertThatThrownBy(() -> RawMessage.check(bytes("From: a@example.com\r\n\r\n" + "x".repeat(999) + "\r\n")))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.getMessage()).contains("998"));
        assertThat(RawMessage.check(bytes("From: a@example.com\r\n\r\n" + "x".repeat(998) + "\r\n"))
                        .fields())
                .hasSize(1);
        assertThatThrownBy(() -> RawMessage.check(new byte[0])).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> RawMessage.check(bytes("\r\nno headers\r\n"))).isInstanceOf(ApiProblem.class);
    }

    @Test
    void envelopeAsksForEightBitAndUtf8OnlyWhenTheBytesNeedIt() {
        byte[] ascii = bytes("From: a@example.com\r\n\r\nhi\r\n");
        byte[] body8 = bytes("From: a@example.com\r\n\r\nGrüße\r\n");
        byte[] head8 = bytes("From: Jörg <a@example.com>\r\n\r\nhi\r\n");
        var plain = RawMessage.envelope(
                "a@example.com",
                java.util.List.of("b@example.net"),
                ascii,
                RawMessage.check(ascii).end());
        assertThat(plain.body()).isEmpty();
        assertThat(plain.smtpUtf8()).isFalse();
        var eight = RawMessage.envelope(
                "a@example.com",
                java.util.List.of("b@example.net"),
                body8,
                RawMessage.check(body8).end());
        assertThat(eight.body()).contains("8BITMIME");
        assertThat(eight.smtpUtf8()).isFalse();
        var utf8 = RawMessage.envelope(
                "a@example.com",
                java.util.List.of("b@example.net"),
                head8,
                RawMessage.check(head8).end());
        assertThat(utf8.body()).contains("8BITMIME");
        assertThat(utf8.smtpUtf8()).isTrue();
    }

    @Test
    void traceHeaderIsAFoldedReceivedField() {
        UUID id = UUID.fromString("0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11");
        String trace = new String(
                RawMessage.traceHeader("2001:db8::1", "mail.test", id, Instant.parse("2026-11-26T22:40:00Z")),
                StandardCharsets.US_ASCII);
        assertThat(trace)
                .isEqualTo("Received: from [IPv6:2001:db8::1] by mail.test (mailgate) with HTTPS id " + id
                        + ";\r\n\tThu, 26 Nov 2026 22:40:00 +0000\r\n");
    }
}
