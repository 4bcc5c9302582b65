package dev.mailgate.api;

import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.mail.HeaderSection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * A message handed in as {@code message/rfc822}: checked, never rewritten. The only changes are the
 * ones a submission server must make: {@code Bcc:} fields are cut out (exactly their lines, every
 * other byte stays where it was) and a {@code Received:} trace field is put in front.
 */
public final class RawMessage {

    private static final DateTimeFormatter RFC5322_DATE = DateTimeFormatter.ofPattern(
                    "EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private RawMessage() {}

    /**
     * Refuses what SMTP would refuse too: no header section, a bare CR or LF (line ends are CRLF, the
     * SMTP smuggling class of bugs starts with anything else), a line longer than 998 octets.
     */
    public static HeaderSection check(byte[] message) {
        if (message.length == 0) {
            throw ApiProblem.invalidMessage("the body is empty; send the message as message/rfc822");
        }
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r') {
                if (i + 1 >= message.length || message[i + 1] != '\n') {
                    throw ApiProblem.invalidMessage("bare CR at offset " + i + "; lines must end with CRLF");
                }
                if (i - lineStart > 998) {
                    throw ApiProblem.invalidMessage("line longer than 998 octets at offset " + lineStart);
                }
                i++;
                lineStart = i + 1;
            } else if (b == '\n') {
                throw ApiProblem.invalidMessage(
                        "bare LF at offset " + i + "; lines must end with CRLF (RFC 5322 §2.3)");
            }
        }
        if (message.length - lineStart > 998) {
            throw ApiProblem.invalidMessage("line longer than 998 octets at offset " + lineStart);
        }
        HeaderSection headers = HeaderSection.parse(message);
        if (headers.fields().isEmpty()) {
            throw ApiProblem.invalidMessage("the message has no header section");
        }
        return headers;
    }

    /** The message without its {@code Bcc:} fields (and their folded continuation lines); all else byte-identical. */
    public static byte[] withoutBcc(byte[] message, int headerEnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        int pos = 0;
        boolean dropping = false;
        while (pos < headerEnd) {
            int eol = indexOfCrlf(message, pos, headerEnd);
            int next = eol < 0 ? headerEnd : eol + 2;
            boolean continuation = message[pos] == ' ' || message[pos] == '\t';
            if (!continuation) {
                dropping = isField(message, pos, next, "bcc");
            }
            if (!dropping) {
                out.write(message, pos, next - pos);
            }
            pos = next;
        }
        out.write(message, headerEnd, message.length - headerEnd);
        return out.toByteArray();
    }

    private static boolean isField(byte[] message, int from, int to, String name) {
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (message[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return false;
        }
        String fieldName = new String(message, from, colon - from, StandardCharsets.ISO_8859_1).strip();
        return fieldName.equalsIgnoreCase(name);
    }

    /** Addresses of all mailboxes of these header fields, de-duplicated ignoring case, in order. */
    public static List<String> addresses(HeaderSection headers, String... names) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : names) {
            for (String value : headers.all(name)) {
                if (value.isBlank()) {
                    continue; // "Bcc:" with no value is legal (RFC 5322 §3.6.3)
                }
                try {
                    for (Mailbox mailbox :
                            DefaultAddressParser.DEFAULT.parseAddressList(value).flatten()) {
                        seen.putIfAbsent(mailbox.getAddress().toLowerCase(Locale.ROOT), mailbox.getAddress());
                    }
                } catch (ParseException e) {
                    throw ApiProblem.invalidMessage("cannot parse the " + name + ": header: " + e.getMessage());
                }
            }
        }
        return new ArrayList<>(seen.values());
    }

    /**
     * The envelope of a raw message, with what outbound delivery must negotiate: {@code BODY=8BITMIME}
     * when any byte is 8-bit (RFC 6152), {@code SMTPUTF8} when the header section carries UTF-8 (RFC 6532).
     */
    public static Envelope envelope(String sender, List<String> recipients, byte[] message, int headerEnd) {
        boolean eightBit = false;
        boolean utf8Headers = false;
        for (int i = 0; i < message.length; i++) {
            if (message[i] < 0) {
                eightBit = true;
                utf8Headers = i < headerEnd;
                break;
            }
        }
        return new Envelope(
                sender,
                recipients.stream().map(EnvelopeRecipient::of).toList(),
                eightBit ? Optional.of("8BITMIME") : Optional.empty(),
                utf8Headers,
                Optional.empty(),
                Optional.empty());
    }

    /** {@code Received:} for a message that came in over HTTPS (RFC 5321 §4.4 form, protocol "HTTPS"). */
    public static byte[] traceHeader(String clientAddress, String hostname, UUID id, Instant at) {
        String literal = clientAddress.contains(":") ? "[IPv6:" + clientAddress + "]" : "[" + clientAddress + "]";
        String header = "Received: from " + literal + " by " + hostname + " (mailgate) with HTTPS id " + id + ";\r\n\t"
                + RFC5322_DATE.format(at) + "\r\n";
        return header.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOfCrlf(byte[] b, int from, int to) {
        for (int i = from; i < to - 1 && i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
