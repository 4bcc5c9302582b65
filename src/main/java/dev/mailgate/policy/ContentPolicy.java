package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * Checks on the message itself, for every door, before anything is stored: maximum {@code To:}/{@code Cc:}
 * addresses, configured header regular expressions, and executable attachments — by file name extension
 * and by sniffed content (a PE {@code MZ} header), also inside zip archives (one level, names and sniffing).
 * mime4j walks the parts with transfer decoding.
 */
@ApplicationScoped
public class ContentPolicy {

    /** A configured header check: {@code action:header-name:regex}. */
    public record HeaderCheck(String action, String header, Pattern pattern) {
        static HeaderCheck parse(String text) {
            String[] parts = text.split(":", 3);
            if (parts.length != 3
                    || !Set.of("reject", "defer", "warn")
                            .contains(parts[0].trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("mailgate.filter.header-checks entry must be action:header:regex"
                        + " with action reject, defer or warn: " + text);
            }
            return new HeaderCheck(
                    parts[0].trim().toLowerCase(Locale.ROOT),
                    parts[1].trim().toLowerCase(Locale.ROOT),
                    Pattern.compile(parts[2]));
        }
    }

    /** What the policy found: a refusal, or warnings for the audit log. */
    public record Verdict(Optional<Refusal> refusal, List<String> warnings) {}

    private static final Pattern FILENAME =
            Pattern.compile("(?i)(?:^|;)\\s*(?:file)?name\\*?(?:\\*\\d+\\*?)?\\s*=\\s*\"?([^\";]*)\"?");

    private final Set<String> blocked;
    private final List<HeaderCheck> checks;
    private final int maxToCc;

    @Inject
    public ContentPolicy(MailgateConfig config) {
        this(
                config.filter().blockedExtensions(),
                config.filter().headerChecks().orElse(List.of()),
                config.limits().maxToCc());
    }

    public ContentPolicy(List<String> blockedExtensions, List<String> headerChecks, int maxToCc) {
        this.blocked = blockedExtensions.stream()
                .map(e -> e.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
                .filter(e -> !e.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.checks = headerChecks.stream().map(HeaderCheck::parse).toList();
        this.maxToCc = maxToCc;
    }

    public Verdict check(HeaderSection headers, byte[] message) {
        List<String> warnings = new ArrayList<>();
        if (maxToCc > 0) {
            int count = countAddresses(headers.all("to")) + countAddresses(headers.all("cc"));
            if (count > maxToCc) {
                return refuse(
                        Refusal.policy("Too many To:/Cc: addresses (" + count + ", at most " + maxToCc + ")"),
                        warnings);
            }
        }
        for (HeaderCheck check : checks) {
            for (String value : headers.all(check.header())) {
                if (check.pattern().matcher(value).find()) {
                    String what = "header " + check.header() + " matches "
                            + check.pattern().pattern();
                    switch (check.action()) {
                        case "reject" -> {
                            return refuse(
                                    Refusal.policy("Message refused by header policy (" + check.header() + ")"),
                                    warnings);
                        }
                        case "defer" -> {
                            return refuse(
                                    Refusal.policyDeferred(
                                            "Message deferred by header policy (" + check.header() + ")"),
                                    warnings);
                        }
                        default -> warnings.add(what);
                    }
                }
            }
        }
        Optional<String> executable = findExecutable(message);
        if (executable.isPresent()) {
            return refuse(
                    Refusal.policy("Executable attachments are not accepted (" + executable.get() + ")"), warnings);
        }
        return new Verdict(Optional.empty(), warnings);
    }

    private static Verdict refuse(Refusal refusal, List<String> warnings) {
        return new Verdict(Optional.of(refusal), warnings);
    }

    private static int countAddresses(List<String> values) {
        int n = 0;
        for (String v : values) {
            try {
                n += DefaultAddressParser.DEFAULT.parseAddressList(v).flatten().size();
            } catch (Exception e) {
                n += v.split(",").length; // unparsable: count commas rather than let it through
            }
        }
        return n;
    }

    /** The first executable part: its file name (or "sniffed ...") when one is found. */
    Optional<String> findExecutable(byte[] message) {
        String[] found = new String[1];
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentDecoding(true);
        parser.setContentHandler(new AbstractContentHandler() {
            private String filename;

            @Override
            public void startHeader() {
                filename = null;
            }

            @Override
            public void field(Field field) {
                String name = field.getName().toLowerCase(Locale.ROOT);
                if (name.equals("content-disposition") || name.equals("content-type")) {
                    Matcher m = FILENAME.matcher(field.getBody());
                    while (m.find()) {
                        String f = m.group(1).trim();
                        int rfc2231 = f.indexOf("''");
                        filename = rfc2231 >= 0 ? f.substring(rfc2231 + 2) : f;
                    }
                }
            }

            @Override
            public void body(BodyDescriptor descriptor, InputStream in) throws IOException {
                if (found[0] != null) {
                    return;
                }
                if (filename != null && blocked.contains(extension(filename))) {
                    found[0] = filename;
                    return;
                }
                byte[] head = in.readNBytes(4);
                if (head.length >= 2 && head[0] == 'M' && head[1] == 'Z') {
                    found[0] = (filename == null ? "part" : filename) + ": Windows executable content";
                    return;
                }
                if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                    byte[] rest = in.readNBytes(32 * 1024 * 1024);
                    byte[] zip = new byte[4 + rest.length];
                    System.arraycopy(head, 0, zip, 0, 4);
                    System.arraycopy(rest, 0, zip, 4, rest.length);
                    String inside = zipExecutable(zip);
                    if (inside != null) {
                        found[0] = (filename == null ? "archive" : filename) + " contains " + inside;
                    }
                }
            }
        });
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (MimeException | IOException e) {
            // A message mime4j cannot walk is judged by what was seen so far; structure is not our refusal to make.
        }
        return Optional.ofNullable(found[0]);
    }

    private String zipExecutable(byte[] zip) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            int entries = 0;
            while ((entry = in.getNextEntry()) != null && entries++ < 10_000) {
                if (blocked.contains(extension(entry.getName()))) {
                    return entry.getName();
                }
                byte[] head = in.readNBytes(2);
                if (head.length == 2 && head[0] == 'M' && head[1] == 'Z') {
                    return entry.getName() + " (Windows executable content)";
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return null; // not a zip we can read (encrypted, broken): left to rspamd
        }
        return null;
    }

    static String extension(String filename) {
        String name = filename.trim();
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT).trim();
    }
}
