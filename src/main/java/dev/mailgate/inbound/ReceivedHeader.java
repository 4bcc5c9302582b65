package dev.mailgate.inbound;

import dev.mailgate.mail.EnvelopeRecipient;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The trace header we prepend (RFC 5321 §4.4), in the shape Postfix uses, folded one clause a line:
 * <pre>
 * Received: from client.example ([203.0.113.5])
 * 	(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
 * 	(authenticated as alice)
 * 	by mail.example.com (mailgate)
 * 	with ESMTPSA id 0a1b...
 * 	for &lt;bob@example.org&gt;; Tue, 5 Mar 2024 10:00:00 +0000
 * </pre>
 * The protocol keyword is ESMTPSA, or UTF8SMTPSA for SMTPUTF8 transactions (RFC 3848, RFC 6531 §3.7.3).
 */
final class ReceivedHeader {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private ReceivedHeader() {}

    static String build(
            String helo,
            String clientAddress,
            TlsInfo tls,
            String principal,
            String hostname,
            boolean smtpUtf8,
            UUID id,
            List<EnvelopeRecipient> recipients,
            ZonedDateTime now) {
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ")
                .append(helo == null ? "unknown" : comment(helo))
                .append(" (")
                .append(addressLiteral(clientAddress))
                .append(")\r\n");
        if (tls != null) {
            h.append("\t(using ")
                    .append(comment(tls.protocol()))
                    .append(" with cipher ")
                    .append(comment(tls.cipherSuite()))
                    .append(")\r\n");
        } else {
            h.append("\t(using TLS)\r\n");
        }
        h.append("\t(authenticated as ").append(comment(principal)).append(")\r\n");
        // "with ... id <uuid>" gets its own line so every line stays within 78 characters (RFC 5322 §2.1.1)
        h.append("\tby ").append(hostname).append(" (mailgate)\r\n");
        h.append("\twith ")
                .append(smtpUtf8 ? "UTF8SMTPSA" : "ESMTPSA")
                .append(" id ")
                .append(id);
        String date = DATE.format(now);
        if (recipients.size() == 1) {
            String forClause = "\tfor <" + recipients.get(0).address() + ">;";
            h.append("\r\n").append(forClause);
            h.append(forClause.length() + 1 + date.length() > 78 ? "\r\n\t" : " ");
        } else {
            h.append(";\r\n\t");
        }
        h.append(date).append("\r\n");
        return h.toString();
    }

    /** RFC 5321 TCP-info: {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    static String addressLiteral(String address) {
        if (address == null || address.isEmpty()) {
            return "unknown";
        }
        return address.indexOf(':') >= 0 ? "[IPv6:" + address + "]" : "[" + address + "]";
    }

    /** Keeps client-chosen text from breaking out of a comment or the header. */
    private static String comment(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            s.append(c < 0x21 || c == 0x7f || c == '(' || c == ')' || c == '\\' ? '_' : c);
        }
        return s.toString();
    }
}
