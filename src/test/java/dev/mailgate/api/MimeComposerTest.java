package dev.mailgate.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The composer's output, read back with an independent parser (Apache mime4j). */
class MimeComposerTest {

    private final MimeComposer composer = new MimeComposer("mail.test");
    private static final long NO_LIMIT = Long.MAX_VALUE;

    @Test
    void textOnlyIsASinglePartWithEncodedUtf8Subject() throws IOException {
        MimeComposer.Composed c = compose(request(
                "app@example.com",
                List.of("ana@example.net"),
                "Grüße 👋 aus Köln",
                "Hallo Ana,\nwie geht's?\n",
                null,
                null,
                null));
        Message m = parse(c.raw());
        assertThat(m.getSubject()).isEqualTo("Grüße 👋 aus Köln");
        assertThat(m.getMimeType()).isEqualTo("text/plain");
        assertThat(m.getCharset()).isEqualToIgnoringCase("UTF-8");
        assertThat(text(m.getBody())).isEqualTo("Hallo Ana,\r\nwie geht's?\r\n");
        assertThat(c.sender()).isEqualTo("app@example.com");
        assertThat(c.recipients()).containsExactly("ana@example.net");
        assertThat(m.getMessageId()).isEqualTo(c.messageId());
        assertThat(c.messageId()).endsWith("@mail.test>");
        assertThat(m.getHeader().getField("MIME-Version").getBody()).isEqualTo("1.0");
        assertWireSafe(c.raw());
    }

    @Test
    void textHtmlAndAttachmentsNestAlternativeInMixedAndKeepAttachmentBytes() throws IOException {
        byte[] pdf = randomBytes(70_000, 1);
        byte[] csv = "a;b\nc;d\n".getBytes(StandardCharsets.UTF_8); // bare LF inside: must survive byte for byte
        SendRequest r = request(
                "Ana Lía <app@example.com>",
                List.of("Bob <bob@example.net>"),
                "Facture n° 42",
                "Plain text",
                "<p>HTML &eacute;t&eacute;</p>",
                List.of(
                        attachment("facture 42 €.pdf", "application/pdf", pdf, null),
                        attachment("data.csv", "text/csv", csv, null)),
                null);
        MimeComposer.Composed c = compose(r);
        Message m = parse(c.raw());
        assertThat(m.getMimeType()).isEqualTo("multipart/mixed");
        Multipart mixed = (Multipart) m.getBody();
        assertThat(mixed.getBodyParts()).hasSize(3);
        Entity alt = mixed.getBodyParts().get(0);
        assertThat(alt.getMimeType()).isEqualTo("multipart/alternative");
        List<Entity> alternatives = ((Multipart) alt.getBody()).getBodyParts();
        assertThat(alternatives).extracting(Entity::getMimeType).containsExactly("text/plain", "text/html");
        assertThat(text(alternatives.get(0).getBody())).isEqualTo("Plain text");
        assertThat(text(alternatives.get(1).getBody())).isEqualTo("<p>HTML &eacute;t&eacute;</p>");

        Entity first = mixed.getBodyParts().get(1);
        assertThat(first.getMimeType()).isEqualTo("application/pdf");
        assertThat(first.getDispositionType()).isEqualTo("attachment");
        assertThat(first.getFilename()).isEqualTo("facture 42 €.pdf");
        assertThat(first.getContentTransferEncoding()).isEqualTo("base64");
        assertThat(bytes(first.getBody())).isEqualTo(pdf);
        Entity second = mixed.getBodyParts().get(2);
        assertThat(second.getFilename()).isEqualTo("data.csv");
        assertThat(bytes(second.getBody())).isEqualTo(csv);
        assertThat(m.getFrom()).extracting(Mailbox::getName).containsExactly("Ana Lía");
        assertThat(c.attachmentBytes()).isEqualTo(pdf.length + csv.length);

        String wire = new String(c.raw(), StandardCharsets.US_ASCII);
        assertThat(wire).contains("filename*=UTF-8''facture%2042%20%E2%82%AC.pdf"); // RFC 2231
        assertThat(wire).contains("Subject: =?UTF-8?"); // RFC 2047
        assertWireSafe(c.raw());
    }

    @Test
    void inlineImagesGoIntoMultipartRelatedWithTheHtml() throws IOException {
        byte[] png = randomBytes(500, 2);
        SendRequest r = request(
                "app@example.com",
                List.of("ana@example.net"),
                "Logo",
                "text",
                "<img src=\"cid:logo\">",
                List.of(attachment("logo.png", "image/png", png, "logo")),
                null);
        Message m = parse(compose(r).raw());
        assertThat(m.getMimeType()).isEqualTo("multipart/alternative");
        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(parts.get(0).getMimeType()).isEqualTo("text/plain");
        assertThat(parts.get(1).getMimeType()).isEqualTo("multipart/related");
        List<Entity> related = ((Multipart) parts.get(1).getBody()).getBodyParts();
        assertThat(related).extracting(Entity::getMimeType).containsExactly("text/html", "image/png");
        assertThat(related.get(1).getHeader().getField("Content-ID").getBody()).isEqualTo("<logo>");
        assertThat(related.get(1).getDispositionType()).isEqualTo("inline");
        assertThat(bytes(related.get(1).getBody())).isEqualTo(png);
    }

    @Test
    void longLinesAndEightBitTextAreEncodedSoNoLineExceeds998() throws IOException {
        String longLine = "x".repeat(5000) + " é " + "y".repeat(3000);
        MimeComposer.Composed c = compose(request(
                "app@example.com",
                List.of("ana@example.net"),
                "s",
                longLine,
                "<p>" + "z".repeat(4000) + "</p>",
                null,
                null));
        assertWireSafe(c.raw());
        Message m = parse(c.raw());
        List<Entity> parts = ((Multipart) m.getBody()).getBodyParts();
        assertThat(parts.get(0).getContentTransferEncoding()).isIn("quoted-printable", "base64");
        assertThat(text(parts.get(0).getBody())).isEqualTo(longLine);
        assertThat(text(parts.get(1).getBody())).isEqualTo("<p>" + "z".repeat(4000) + "</p>");
    }

    @Test
    void bccIsInTheEnvelopeButNotInTheMessage() {
        SendRequest r = new SendRequest(
                "app@example.com",
                List.of("ana@example.net"),
                List.of("Carl <carl@example.org>"),
                List.of("secret@example.com", "ANA@example.net"),
                List.of("help@example.com"),
                "s",
                "t",
                null,
                Map.of("X-Campaign", "nov ✓"),
                null,
                List.of("t1"));
        MimeComposer.Composed c = compose(r);
        assertThat(c.recipients()).containsExactly("ana@example.net", "carl@example.org", "secret@example.com");
        String wire = new String(c.raw(), StandardCharsets.US_ASCII);
        assertThat(wire).doesNotContainIgnoringCase("secret@example.com").doesNotContainIgnoringCase("bcc:");
        assertThat(wire).contains("Reply-To: help@example.com").contains("X-Campaign: =?UTF-8?");
    }

    @Test
    void refusesDangerousHeadersAndInvalidFields() {
        assertThatThrownBy(() -> compose(new SendRequest(
                        "app@example.com",
                        List.of("a@example.net"),
                        null,
                        null,
                        null,
                        "s",
                        "t",
                        null,
                        Map.of("Bcc", "x@example.com"),
                        null,
                        null)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.type()).endsWith("/forbidden-header"));
        assertThatThrownBy(() -> compose(new SendRequest(
                        "app@example.com",
                        List.of("a@example.net"),
                        null,
                        null,
                        null,
                        "s",
                        "t",
                        null,
                        Map.of("Content-Transfer-Encoding", "8bit"),
                        null,
                        null)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.type()).endsWith("/forbidden-header"));
        assertThatThrownBy(() -> compose(new SendRequest(
                        "app@example.com",
                        List.of("a@example.net"),
                        null,
                        null,
                        null,
                        "s",
                        "t",
                        null,
                        Map.of("X-Evil", "a\r\nBcc: x@example.com"),
                        null,
                        null)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(422));
        assertThatThrownBy(() -> compose(request(
                        "not an address",
                        List.of("ana@example.net", "@@"),
                        "s\r\nBcc: x@y",
                        null,
                        null,
                        List.of(attachment("a", "text/plain", new byte[1], null)),
                        null)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.type()).endsWith("/invalid-request");
                    assertThat(p.errors())
                            .extracting(Problem.FieldError::field)
                            .contains("from", "to[1]", "text", "subject");
                });
        assertThatThrownBy(() -> compose(request("app@example.com", List.of(), "s", "t", null, null, null)))
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.type()).endsWith("/no-recipients"));
    }

    @Test
    void attachmentTotalIsLimited() {
        SendRequest r = request(
                "app@example.com",
                List.of("a@example.net"),
                "s",
                "t",
                null,
                List.of(attachment("a.bin", null, new byte[600], null), attachment("b.bin", null, new byte[600], null)),
                null);
        assertThatThrownBy(() -> composer.compose(r, UUID.randomUUID(), Instant.now(), 1000))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(413);
                    assertThat(p.type()).endsWith("/attachments-too-large");
                });
    }

    // --- helpers

    private MimeComposer.Composed compose(SendRequest r) {
        return composer.compose(r, UUID.randomUUID(), Instant.parse("2026-11-26T12:00:00Z"), NO_LIMIT);
    }

    static SendRequest request(
            String from,
            List<String> to,
            String subject,
            String text,
            String html,
            List<SendRequest.Attachment> attachments,
            Map<String, String> headers) {
        return new SendRequest(from, to, null, null, null, subject, text, html, headers, attachments, null);
    }

    static SendRequest.Attachment attachment(String name, String type, byte[] content, String cid) {
        return new SendRequest.Attachment(name, type, Base64.getEncoder().encodeToString(content), cid);
    }

    static Message parse(byte[] raw) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.STRICT);
        return builder.parseMessage(new ByteArrayInputStream(raw));
    }

    static String text(Body body) throws IOException {
        try (var reader = ((TextBody) body).getReader()) {
            StringBuilder out = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = reader.read(buf)) > 0; ) {
                out.append(buf, 0, n);
            }
            return out.toString();
        }
    }

    static byte[] bytes(Body body) throws IOException {
        try (InputStream in = ((SingleBody) body).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** Every line ends with CRLF and has at most 998 octets; only 7-bit bytes. */
    static void assertWireSafe(byte[] raw) {
        List<Integer> problems = new ArrayList<>();
        int lineStart = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0) {
                problems.add(i);
            }
            if (raw[i] == '\n') {
                if (i == 0 || raw[i - 1] != '\r') {
                    problems.add(i);
                }
                if (i - 1 - lineStart > 998) {
                    problems.add(i);
                }
                lineStart = i + 1;
            } else if (raw[i] == '\r' && (i + 1 == raw.length || raw[i + 1] != '\n')) {
                problems.add(i);
            }
        }
        assertThat(problems)
                .as("offsets of bare CR/LF, 8-bit bytes or lines over 998 octets")
                .isEmpty();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
