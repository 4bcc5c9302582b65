package dev.mailgate.outbound;

import dev.mailgate.queue.DeliveryLedger.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;

/**
 * Builds RFC 3464 delivery status notifications: {@code multipart/report; report-type=delivery-status}
 * with a human-readable part, the {@code message/delivery-status} part (ENVID and ORCPT echoed) and
 * the original message ({@code RET=FULL}) or only its header ({@code RET=HDRS}, the default here).
 * Composed with Apache mime4j.
 */
public final class DsnBuilder {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** One recipient the DSN reports on. */
    public record Failed(
            String address,
            Optional<String> orcpt,
            String action,
            String status,
            String diagnostic,
            String remoteMta,
            Instant lastAttempt) {}

    private DsnBuilder() {}

    /** Whether the recipient asked for a DSN on failure (RFC 3461 NOTIFY; absent means failures only). */
    /** Whether the recipient accepts delay notices: NOTIFY with DELAY, or no NOTIFY at all. */
    public static boolean wantsDelayNotice(String notify) {
        if (notify == null || notify.isBlank()) {
            return true;
        }
        String n = notify.toUpperCase(Locale.ROOT);
        return !n.contains("NEVER") && n.contains("DELAY");
    }

    public static boolean wantsFailureNotice(String notify) {
        if (notify == null || notify.isBlank()) {
            return true;
        }
        String n = notify.toUpperCase(Locale.ROOT);
        return !n.contains("NEVER") && n.contains("FAILURE");
    }

    public static byte[] build(
            String reportingMta, StoredMessage original, List<Failed> failed, UUID dsnId, Instant now) {
        try {
            String human = humanText(reportingMta, failed);
            String status = statusText(reportingMta, original, failed);
            boolean full = original.ret().map(r -> r.equalsIgnoreCase("FULL")).orElse(false);
            byte[] returned = full ? original.raw() : header(original.raw());

            Multipart report = MultipartBuilder.create("report")
                    .addContentTypeParameter(new NameValuePair("report-type", "delivery-status"))
                    .addBodyPart(BodyPartBuilder.create()
                            .setBody(human, "plain", StandardCharsets.UTF_8)
                            .setContentTransferEncoding("8bit"))
                    .addBodyPart(BodyPartBuilder.create()
                            .setBody(status.getBytes(StandardCharsets.UTF_8), "message/delivery-status"))
                    .addBodyPart(
                            BodyPartBuilder.create().setBody(returned, full ? "message/rfc822" : "text/rfc822-headers"))
                    .build();

            Message dsn = Message.Builder.of()
                    .setFrom("Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">")
                    .setTo(original.sender())
                    .setSubject(
                            failed.stream().allMatch(f -> f.action().equals("failed"))
                                    ? "Undelivered Mail Returned to Sender"
                                    : failed.stream().allMatch(f -> f.action().equals("delayed"))
                                            ? "Delayed Mail (still being retried)"
                                            : "Delivery Status Notification")
                    .setDate(Date.from(now))
                    .setMessageId("<" + dsnId + "@" + reportingMta + ">")
                    .setField(new org.apache.james.mime4j.stream.RawField("Auto-Submitted", "auto-replied"))
                    .setBody(report)
                    .build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DefaultMessageWriter().writeMessage(dsn, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.apache.james.mime4j.dom.field.ParseException e) {
            throw new IllegalArgumentException("cannot address a DSN to <" + original.sender() + ">", e);
        }
    }

    private static String humanText(String reportingMta, List<Failed> failed) {
        StringBuilder sb = new StringBuilder();
        sb.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n");
        if (failed.stream().allMatch(f -> f.action().equals("delayed"))) {
            sb.append("Your message has not been delivered yet to the following recipients. It is still being\r\n"
                    + "retried; you do not need to send it again. You will be told if it finally fails.\r\n\r\n");
        } else {
            sb.append("Your message could not be delivered to the following recipients:\r\n\r\n");
        }
        for (Failed f : failed) {
            sb.append("<")
                    .append(f.address())
                    .append(">: ")
                    .append(f.diagnostic())
                    .append("\r\n");
        }
        return sb.toString();
    }

    static String statusText(String reportingMta, StoredMessage original, List<Failed> failed) {
        StringBuilder sb = new StringBuilder();
        sb.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        original.envid()
                .ifPresent(e -> sb.append("Original-Envelope-Id: ").append(e).append("\r\n"));
        sb.append("Arrival-Date: ")
                .append(RFC5322.format(original.receivedAt().atOffset(ZoneOffset.UTC)))
                .append("\r\n");
        for (Failed f : failed) {
            sb.append("\r\n");
            f.orcpt()
                    .ifPresent(o -> sb.append("Original-Recipient: ")
                            .append(o.contains(";") ? o : "rfc822;" + o)
                            .append("\r\n"));
            sb.append("Final-Recipient: rfc822; ").append(f.address()).append("\r\n");
            sb.append("Action: ").append(f.action()).append("\r\n");
            sb.append("Status: ").append(f.status()).append("\r\n");
            if (f.remoteMta() != null && !f.remoteMta().isBlank()) {
                sb.append("Remote-MTA: dns; ").append(f.remoteMta()).append("\r\n");
            }
            sb.append(
                            f.diagnostic().matches("^\\d{3}[ -].*")
                                    ? "Diagnostic-Code: smtp; "
                                    : "Diagnostic-Code: X-mailgate; ")
                    .append(oneLine(f.diagnostic()))
                    .append("\r\n");
            sb.append("Last-Attempt-Date: ")
                    .append(RFC5322.format(f.lastAttempt().atOffset(ZoneOffset.UTC)))
                    .append("\r\n");
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\r\n]+", " ");
    }

    static byte[] header(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                byte[] h = new byte[i + 2];
                System.arraycopy(raw, 0, h, 0, h.length);
                return h;
            }
        }
        return raw;
    }

    static boolean eightBit(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return true;
            }
        }
        return false;
    }
}
