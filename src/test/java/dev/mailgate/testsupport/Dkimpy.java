package dev.mailgate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * An independent DKIM verifier: Debian's dkimpy ({@code python3-dkim}, with {@code python3-nacl}
 * for Ed25519), given the key record through its {@code dnsfunc} instead of real DNS.
 * Also makes test keys and their DNS records.
 */
public final class Dkimpy {

    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private static final String SCRIPT = """
            import sys, dkim
            records = {}
            for line in open(sys.argv[1]):
                name, _, txt = line.strip().partition(' ')
                if name:
                    records[name.rstrip('.').lower()] = txt.encode()
            def dnsfunc(name, timeout=5):
                if isinstance(name, bytes):
                    name = name.decode()
                return records.get(name.rstrip('.').lower())
            msg = sys.stdin.buffer.read()
            d = dkim.DKIM(msg)
            try:
                ok = d.verify(dnsfunc=dnsfunc)
            except Exception as e:
                print('FAIL', e)
                sys.exit(1)
            print('PASS' if ok else 'FAIL', d.domain.decode() if d.domain else '', d.signature_fields.get(b'a', b'').decode())
            sys.exit(0 if ok else 1)
            """;

    private Dkimpy() {}

    /** Runs dkimpy on the message with the given "name txt" records; returns its one-line verdict. */
    public static String verify(byte[] message, Path records) throws IOException, InterruptedException {
        Path script = Files.createTempFile("dkimverify", ".py");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(PYTHON, script.toString(), records.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(message);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dkimpy did not finish");
        }
        if (out.contains("No module named")) {
            throw new AssertionError("dkimpy is missing: apt-get install -y python3-dkim python3-nacl (" + out + ")");
        }
        return out;
    }

    /** A key pair written as {@code <selector>._domainkey.<domain>.pem} with its record appended to {@code records}. */
    public static void makeKey(Path keysDir, Path records, String algorithm, String selector, String domain)
            throws IOException, NoSuchAlgorithmException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            g.initialize(2048);
        }
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.createDirectories(keysDir);
        Files.writeString(keysDir.resolve(selector + "._domainkey." + domain + ".pem"), pem);
        String record = algorithm.equals("RSA")
                ? "v=DKIM1; k=rsa; p="
                        + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded())
                : "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(rawEd25519(kp.getPublic()));
        Files.writeString(
                records,
                selector + "._domainkey." + domain + " " + record + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** RFC 8463 §4.2: the record holds the bare 32-byte key, not the X.509 structure. */
    private static byte[] rawEd25519(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }
}
