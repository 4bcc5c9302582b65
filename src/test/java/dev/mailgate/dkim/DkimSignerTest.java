package dev.mailgate.dkim;

import dev.mailgate.testsupport.Dkimpy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Signatures made here are checked by dkimpy, an independent implementation. */
class DkimSignerTest {

    static Path keys;
    static Path records;

    @BeforeAll
    static void makeKeys() throws Exception {
        Path dir = Files.createTempDirectory("dkim-test");
        keys = dir.resolve("keys");
        records = dir.resolve("records.txt");
        Dkimpy.makeKey(keys, records, "RSA", "rsa2026", "rsa.example");
        Dkimpy.makeKey(keys, records, "Ed25519", "ed2026", "ed.example");
    }

    private static final String MESSAGE = "Received: from client by mailgate\r\n"
            + "From: \"Alice Example\" <alice@%s>\r\n"
            + "To: bob@dest.example,\r\n  carol@dest.example\r\n"
            + "Subject:   folded\r\n\tsubject   with  spaces  \r\n"
            + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <m1@%s>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Hello  world \t \r\n"
            + "caf\u00e9 na\u00efve\r\n"
            + ".dot line\r\n"
            + "\r\n\r\n\r\n";

    private static byte[] message(String domain) {
        return String.format(MESSAGE, domain, domain).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rsaSha256VerifiesWithDkimpy() throws Exception {
        DkimKeys dkim = new DkimKeys(DkimKeys.load(keys));
        byte[] original = message("rsa.example");
        byte[] signed = dkim.signIfKeyed(original, Instant.now());
        assertThat(new String(signed, StandardCharsets.ISO_8859_1))
                .startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=rsa.example; s=rsa2026;");
        assertThat(Arrays.copyOfRange(signed, signed.length - original.length, signed.length))
                .isEqualTo(original);
        assertThat(Dkimpy.verify(signed, records)).startsWith("PASS rsa.example rsa-sha256");
    }

    @Test
    void ed25519Sha256VerifiesWithDkimpy() throws Exception {
        DkimKeys dkim = new DkimKeys(DkimKeys.load(keys));
        byte[] signed = dkim.signIfKeyed(message("ed.example"), Instant.now());
        assertThat(new String(signed, StandardCharsets.ISO_8859_1)).contains("a=ed25519-sha256");
        assertThat(Dkimpy.verify(signed, records)).startsWith("PASS ed.example ed25519-sha256");
    }

    @Test
    void tamperedBodyFailsVerification() throws Exception {
        DkimKeys dkim = new DkimKeys(DkimKeys.load(keys));
        byte[] signed = dkim.signIfKeyed(message("rsa.example"), Instant.now());
        String s = new String(signed, StandardCharsets.UTF_8).replace("Hello", "Jello");
        assertThat(Dkimpy.verify(s.getBytes(StandardCharsets.UTF_8), records)).startsWith("FAIL");
    }

    @Test
    void noKeyForTheFromDomainLeavesTheMessageAlone() {
        DkimKeys dkim = new DkimKeys(Map.of());
        byte[] m = message("other.example");
        assertThat(dkim.signIfKeyed(m, Instant.now())).isSameAs(m);
        assertThat(DkimKeys.fromDomain(m)).contains("other.example");
    }

    @Test
    void relaxedBodyCanonicalization() {
        byte[] body = "a  b \t\r\n\r\n c\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(DkimSigner.relaxedBody(body, 0), StandardCharsets.US_ASCII))
                .isEqualTo("a b\r\n\r\n c\r\n");
        assertThat(DkimSigner.relaxedBody("\r\n\r\n".getBytes(), 0)).isEmpty();
    }
}
