package dev.mailgate.policy;

import dev.mailgate.mail.HeaderSection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContentPolicyTest {

    private final ContentPolicy policy = new ContentPolicy(
            List.of("exe", "scr", "js", "vbs", "bat", "cmd", "com", "jar", "msi", "ps1", "hta"),
            List.of("reject:subject:(?i)viagra", "defer:x-mailer:BadMailer", "warn:subject:urgent"),
            3);

    static String withAttachment(String filename, String contentType, byte[] content) {
        return "From: app@example.com\r\nTo: bob@example.net\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--b1\r\nContent-Type: " + contentType + "\r\nContent-Transfer-Encoding: base64\r\n"
                + (filename == null ? "" : "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n")
                + "\r\n"
                + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b1--\r\n";
    }

    static byte[] zip(String name, byte[] content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private ContentPolicy.Verdict check(String message) {
        byte[] raw = message.getBytes(StandardCharsets.UTF_8);
        return policy.check(HeaderSection.parse(raw), raw);
    }

    @Test
    void executableByExtensionIsRefused() {
        ContentPolicy.Verdict v =
                check(withAttachment("Invoice.PDF.exe", "application/octet-stream", "hello".getBytes()));
        assertThat(v.refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("550 5.7.1 Executable attachments are not accepted (Invoice.PDF.exe)");
    }

    @Test
    void executableBySniffingIsRefusedWhateverItsName() {
        assertThat(check(withAttachment(
                                "holiday.jpg",
                                "image/jpeg",
                                "MZ\u0090\u0000rest".getBytes(StandardCharsets.ISO_8859_1)))
                        .refusal())
                .isPresent();
    }

    @Test
    void zipContainingAScriptIsRefused() throws Exception {
        assertThat(check(withAttachment("docs.zip", "application/zip", zip("docs/readme.js", "alert(1)".getBytes())))
                        .refusal())
                .get()
                .extracting(r -> r.text())
                .asString()
                .contains("docs.zip contains docs/readme.js");
        assertThat(check(withAttachment("docs.zip", "application/zip", zip("tool.dat", "MZxx".getBytes())))
                        .refusal())
                .isPresent();
    }

    @Test
    void harmlessAttachmentsPass() throws Exception {
        assertThat(check(withAttachment("report.pdf", "application/pdf", "%PDF-1.7".getBytes()))
                        .refusal())
                .isEmpty();
        assertThat(check(withAttachment("photos.zip", "application/zip", zip("a.jpg", "JFIF".getBytes())))
                        .refusal())
                .isEmpty();
    }

    @Test
    void headerChecks() {
        assertThat(check("From: a@example.com\r\nSubject: Cheap VIAGRA\r\n\r\nx\r\n")
                        .refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("550 5.7.1");
        assertThat(check("From: a@example.com\r\nX-Mailer: BadMailer 1.0\r\n\r\nx\r\n")
                        .refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("451 4.7.1");
        ContentPolicy.Verdict warn = check("From: a@example.com\r\nSubject: urgent\r\n\r\nx\r\n");
        assertThat(warn.refusal()).isEmpty();
        assertThat(warn.warnings()).hasSize(1);
    }

    @Test
    void toCcCount() {
        assertThat(check("From: a@example.com\r\nTo: a@x.test, b@x.test\r\nCc: c@x.test\r\n\r\nx\r\n")
                        .refusal())
                .isEmpty();
        assertThat(check("From: a@example.com\r\nTo: a@x.test, b@x.test\r\nCc: c@x.test, \"D\" <d@x.test>\r\n\r\nx\r\n")
                        .refusal())
                .get()
                .extracting(r -> r.smtpReply())
                .asString()
                .startsWith("550 5.7.1 Too many To:/Cc:");
    }
}
