package dev.mailgate.dkim;

import dev.mailgate.config.MailgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.jboss.logging.Logger;

/**
 * The DKIM keys of {@code mailgate.dkim.keys}: files named {@code <selector>._domainkey.<domain>.pem}
 * holding a PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey}
 * writes for RSA and Ed25519). Loaded at start-up; a bad file stops start-up with its name.
 */
@ApplicationScoped
public class DkimKeys {

    private static final Logger LOG = Logger.getLogger(DkimKeys.class);
    private static final String SUFFIX = ".pem";
    private static final String MIDDLE = "._domainkey.";

    private final Map<String, DkimKey> byDomain;

    @jakarta.inject.Inject
    public DkimKeys(MailgateConfig config) {
        this.byDomain = config.dkim().keys().map(DkimKeys::load).orElse(Map.of());
    }

    DkimKeys(Map<String, DkimKey> keys) {
        this.byDomain = Map.copyOf(keys);
    }

    public static Map<String, DkimKey> load(Path folder) {
        Map<String, DkimKey> keys = new HashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                int middle = name.indexOf(MIDDLE);
                if (!name.endsWith(SUFFIX) || middle <= 0) {
                    continue;
                }
                String selector = name.substring(0, middle);
                String domain = name.substring(middle + MIDDLE.length(), name.length() - SUFFIX.length())
                        .toLowerCase(Locale.ROOT);
                PrivateKey key = readPkcs8(file);
                keys.put(domain, new DkimKey(domain, selector, key));
                LOG.infof("DKIM key for %s, selector %s (%s)", domain, selector, key.getAlgorithm());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mailgate.dkim.keys: cannot read " + folder, e);
        }
        return keys;
    }

    static PrivateKey readPkcs8(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalArgumentException("mailgate.dkim.keys: " + file
                        + " is not a PKCS#8 PEM private key (convert with: openssl pkcs8 -topk8 -nocrypt)");
            }
            String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PKCS8EncodedKeySpec spec =
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
            for (String alg : new String[] {"RSA", "Ed25519"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(spec);
                } catch (GeneralSecurityException ignored) {
                    // try the next algorithm
                }
            }
            throw new IllegalArgumentException("mailgate.dkim.keys: " + file + " is neither an RSA nor an Ed25519 key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key for the domain of the message's first {@code From:} address, if there is one. */
    public Optional<DkimKey> forMessage(byte[] message) {
        if (byDomain.isEmpty()) {
            return Optional.empty();
        }
        return fromDomain(message).map(byDomain::get);
    }

    static Optional<String> fromDomain(byte[] message) {
        int end = DkimSigner.headerEnd(message);
        for (String field : DkimSigner.headerFields(new String(message, 0, end, StandardCharsets.UTF_8))) {
            if (DkimSigner.fieldName(field).equals("from")) {
                String value = field.substring(field.indexOf(':') + 1).replace("\r\n", "");
                try {
                    var list = LenientAddressParser.DEFAULT.parseAddressList(value);
                    for (Mailbox mb : list.flatten()) {
                        if (mb.getDomain() != null) {
                            return Optional.of(mb.getDomain().toLowerCase(Locale.ROOT));
                        }
                    }
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Signs when a key matches the From: domain; otherwise returns the bytes as they are. */
    public byte[] signIfKeyed(byte[] message, java.time.Instant now) {
        return forMessage(message).map(k -> DkimSigner.signed(message, k, now)).orElse(message);
    }
}
