package dev.mailgate.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * RFC 6376 DKIM signing with relaxed/relaxed canonicalization, RSA-SHA256 or Ed25519-SHA256
 * (RFC 8463). Works on the raw message bytes and returns the {@code DKIM-Signature} header field
 * (with its CRLF) to put in front of them; the message itself is never changed.
 */
public final class DkimSigner {

    /** Header fields signed when present (RFC 6376 §5.4.1 recommendations). */
    static final List<String> SIGNED = List.of(
            "from",
            "sender",
            "reply-to",
            "subject",
            "date",
            "message-id",
            "to",
            "cc",
            "mime-version",
            "content-type",
            "content-transfer-encoding",
            "content-id",
            "content-description",
            "in-reply-to",
            "references",
            "list-id",
            "list-unsubscribe",
            "list-unsubscribe-post");

    /** Signed once more than present, so that nobody can add another one later. */
    static final Set<String> OVERSIGNED = Set.of("from", "subject", "date", "to", "cc", "reply-to");

    private DkimSigner() {}

    public static String sign(byte[] message, DkimKey key, Instant now) {
        int split = headerEnd(message);
        List<String> fields = headerFields(new String(message, 0, split, StandardCharsets.ISO_8859_1));
        int bodyStart = Math.min(message.length, split + 2);
        String bodyHash = b64(sha256(relaxedBody(message, bodyStart)));

        List<String> h = new ArrayList<>();
        StringBuilder signedHeaders = new StringBuilder();
        for (String name : SIGNED) {
            // bottom-up, as verifiers take them (RFC 6376 §5.4.2)
            List<String> present = new ArrayList<>();
            for (String f : fields) {
                if (fieldName(f).equals(name)) {
                    present.add(f);
                }
            }
            for (int i = present.size() - 1; i >= 0; i--) {
                h.add(name);
                signedHeaders.append(relaxedHeader(present.get(i))).append("\r\n");
            }
            if (OVERSIGNED.contains(name) && !present.isEmpty()) {
                h.add(name);
            }
        }
        String algorithm = key.ed25519() ? "ed25519-sha256" : "rsa-sha256";
        String template = "DKIM-Signature: v=1; a=" + algorithm + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + now.getEpochSecond() + "; h=" + String.join(":", h)
                + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        signedHeaders.append(relaxedHeader(template));
        byte[] data = signedHeaders.toString().getBytes(StandardCharsets.ISO_8859_1);
        String signature = b64(signature(key.privateKey(), key.ed25519(), data));
        return template + signature + "\r\n";
    }

    /** The message with the signature in front. */
    public static byte[] signed(byte[] message, DkimKey key, Instant now) {
        byte[] header = sign(message, key, now).getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[header.length + message.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(message, 0, out, header.length, message.length);
        return out;
    }

    private static byte[] signature(PrivateKey key, boolean ed25519, byte[] data) {
        try {
            if (ed25519) {
                // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonicalized header data
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(sha256(data));
                return s.sign();
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed", e);
        }
    }

    /** Offset of the CRLF that ends the header (the empty line), or the message length. */
    static int headerEnd(byte[] m) {
        if (m.length >= 2 && m[0] == '\r' && m[1] == '\n') {
            return 0;
        }
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 2;
            }
        }
        return m.length;
    }

    /** Header fields with their folding kept, without the final CRLF of each. */
    static List<String> headerFields(String header) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : header.split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(line);
            }
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return fields;
    }

    static String fieldName(String field) {
        int colon = field.indexOf(':');
        return (colon < 0 ? field : field.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    /** RFC 6376 §3.4.2 relaxed header canonicalization, without the trailing CRLF. */
    static String relaxedHeader(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1)
                .replace("\r\n", "")
                .replaceAll("[ \t]+", " ")
                .strip();
        return name + ":" + value;
    }

    /** RFC 6376 §3.4.4 relaxed body canonicalization. */
    static byte[] relaxedBody(byte[] m, int start) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, m.length - start));
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int emptyLines = 0;
        int i = start;
        while (i < m.length) {
            int end = i;
            while (end < m.length && !(m[end] == '\r' && end + 1 < m.length && m[end + 1] == '\n')) {
                end++;
            }
            boolean hasCrlf = end < m.length;
            line.reset();
            boolean wsp = false;
            for (int j = i; j < end; j++) {
                byte b = m[j];
                if (b == ' ' || b == '\t') {
                    wsp = true;
                } else {
                    if (wsp) {
                        line.write(' ');
                        wsp = false;
                    }
                    line.write(b);
                }
            }
            // trailing whitespace dropped (wsp pending at the end is not written)
            if (line.size() == 0) {
                if (hasCrlf || end > i) {
                    emptyLines++;
                }
            } else {
                for (; emptyLines > 0; emptyLines--) {
                    out.write('\r');
                    out.write('\n');
                }
                out.writeBytes(line.toByteArray());
                out.write('\r');
                out.write('\n');
            }
            i = hasCrlf ? end + 2 : end;
        }
        return out.toByteArray();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
