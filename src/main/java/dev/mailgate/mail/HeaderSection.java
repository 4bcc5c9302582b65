package dev.mailgate.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header section of an RFC 5322 message: its fields (unfolded) and where it ends, found
 * without parsing the body (which may be 25 MB). Lines end with CRLF: the doors refuse bare LF.
 */
public final class HeaderSection {

    public record Field(String name, String value) {}

    private final List<Field> fields;
    private final int end;

    private HeaderSection(List<Field> fields, int end) {
        this.fields = fields;
        this.end = end;
    }

    /** Offset just after the last header line (where the empty line or the end of the message is). */
    public int end() {
        return end;
    }

    public List<Field> fields() {
        return fields;
    }

    public List<String> all(String name) {
        return fields.stream()
                .filter(f -> f.name().equalsIgnoreCase(name))
                .map(Field::value)
                .toList();
    }

    public Optional<String> first(String name) {
        return all(name).stream().findFirst();
    }

    public static HeaderSection parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        StringBuilder current = null;
        while (pos < message.length) {
            int eol = indexOfCrlf(message, pos);
            int lineEnd = eol < 0 ? message.length : eol;
            if (lineEnd == pos) {
                break; // the empty line: body follows
            }
            String line = new String(message, pos, lineEnd - pos, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // folded continuation (RFC 5322 §2.2.3): unfold by dropping CRLF
            } else {
                addField(fields, current);
                if (line.indexOf(':') <= 0) {
                    break; // not a header line: the header section is over (malformed, but do not guess)
                }
                current = new StringBuilder(line);
            }
            pos = eol < 0 ? message.length : eol + 2;
        }
        addField(fields, current);
        return new HeaderSection(List.copyOf(fields), pos);
    }

    private static void addField(List<Field> fields, StringBuilder raw) {
        if (raw == null) {
            return;
        }
        int colon = raw.indexOf(":");
        fields.add(new Field(
                raw.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                raw.substring(colon + 1).trim()));
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
