package dev.mailgate.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What tests read back from PostgreSQL about a submission, with SQL of their own. */
public final class StoredMail {

    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9a-f-]{36})");

    private StoredMail() {}

    /** The message id from a {@code 250 2.0.0 OK queued as <uuid>} reply. */
    public static UUID idFromReply(String reply) {
        Matcher m = QUEUED_AS.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no queue id in reply: " + reply);
        }
        return UUID.fromString(m.group(1));
    }

    public static byte[] raw(UUID id) {
        List<Map<String, Object>> rows = Db.rows("SELECT raw FROM message WHERE id = ?", id);
        if (rows.isEmpty()) {
            throw new AssertionError("message " + id + " was not stored");
        }
        return (byte[]) rows.get(0).get("raw");
    }

    public static Map<String, Object> message(UUID id) {
        return Db.rows("SELECT * FROM message WHERE id = ?", id).get(0);
    }

    /** The stored bytes with mailgate's own Received: trace header (the first header field) taken off. */
    public static byte[] withoutTraceHeader(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("Received: ")) {
            throw new AssertionError("stored message does not start with mailgate's Received: header");
        }
        int pos = 0;
        while (true) {
            int eol = text.indexOf("\r\n", pos);
            pos = eol + 2;
            if (pos >= text.length() || (text.charAt(pos) != ' ' && text.charAt(pos) != '\t')) {
                return Arrays.copyOfRange(raw, pos, raw.length);
            }
        }
    }

    public static String traceHeader(byte[] raw) {
        byte[] rest = withoutTraceHeader(raw);
        return new String(raw, 0, raw.length - rest.length, StandardCharsets.UTF_8);
    }

    /** One stored recipient as the recipient table has it. */
    public record Recipient(
            String address,
            String domain,
            String state,
            int attempts,
            String lastReply,
            String dsnNotify,
            String dsnOrcpt) {
        /** Delivered, bounced or failed: nothing more will happen to it. */
        public boolean isFinal() {
            return state.equals("delivered") || state.equals("bounced") || state.equals("failed");
        }
    }

    /** The message's recipients in the order they were given. */
    public static List<Recipient> recipients(UUID id) {
        return Db.rows(
                        "SELECT address, domain, state, attempts, last_reply, dsn_notify, dsn_orcpt FROM recipient"
                                + " WHERE message_id = ? ORDER BY id",
                        id)
                .stream()
                .map(r -> new Recipient(
                        (String) r.get("address"),
                        (String) r.get("domain"),
                        (String) r.get("state"),
                        ((Number) r.get("attempts")).intValue(),
                        (String) r.get("last_reply"),
                        (String) r.get("dsn_notify"),
                        (String) r.get("dsn_orcpt")))
                .toList();
    }

    public static List<String> recipientStates(UUID id) {
        return Db.rows("SELECT state FROM recipient WHERE message_id = ? ORDER BY id", id).stream()
                .map(r -> (String) r.get("state"))
                .toList();
    }

    public static List<String> recipientAddresses(UUID id) {
        return Db.rows("SELECT address FROM recipient WHERE message_id = ? ORDER BY id", id).stream()
                .map(r -> (String) r.get("address"))
                .toList();
    }

    /** How many stored messages contain this marker anywhere in their bytes. */
    public static long countContaining(String marker) {
        return Db.count("SELECT count(*) FROM message WHERE position(convert_to(?, 'UTF8') in raw) > 0", marker);
    }
}
