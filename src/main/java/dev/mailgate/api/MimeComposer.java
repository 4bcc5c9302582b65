package dev.mailgate.api;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Composes the MIME message of a {@link SendRequest} with Jakarta Mail (Eclipse Angus), never with
 * hand-built strings: multipart/alternative for text + HTML, multipart/related for inline images,
 * multipart/mixed for attachments; RFC 2047 encoded words for non-ASCII header text, RFC 2231 for
 * non-ASCII file names; 7bit, quoted-printable or base64 body parts as the content needs (Jakarta
 * Mail never leaves a line over 998 octets in 7bit), attachments always base64 so their bytes
 * survive any relay unchanged. Every line of the result ends with CRLF.
 */
public final class MimeComposer {

    /** The composed message and its envelope. */
    public record Composed(
            byte[] raw, String sender, List<String> recipients, String messageId, long attachmentBytes) {}

    /** Header fields the caller may not set: mailgate sets them, JSON has a member for them, or they are unsafe. */
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    private static final Set<String> FORBIDDEN_HEADERS = Set.of(
            "bcc",
            "received",
            "return-path",
            "dkim-signature",
            "domainkey-signature",
            "authentication-results",
            "mime-version",
            "from",
            "to",
            "cc",
            "reply-to",
            "subject",
            "delivered-to",
            "x-original-to",
            "resent-bcc");

    /** RFC 5322 field name: printable US-ASCII except colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");

    private static final Pattern CONTENT_ID =
            Pattern.compile("[!-;=?-~&&[^<>\"\\\\\\[\\]()@,;:]]+(@[!-;=?-~&&[^<>\"\\\\\\[\\]()@,;:]]+)?");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Session SESSION = Session.getInstance(sessionProperties());

    static {
        // Jakarta Mail finds its StreamProvider anew on every writeTo; without this name that is a
        // ServiceLoader scan of the class path per message part (a sixth of the API's CPU when measured).
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, org.eclipse.angus.mail.util.MailStreamProvider.class.getName());
        }
    }

    private final String hostname;

    public MimeComposer(String hostname) {
        this.hostname = hostname;
    }

    /**
     * Composes the message.
     *
     * @throws ApiProblem 422 for invalid fields (all of them listed), 413 when the attachments exceed
     *         {@code maxAttachmentBytes}
     */
    public Composed compose(SendRequest request, UUID id, Instant date, long maxAttachmentBytes) {
        List<Problem.FieldError> errors = new ArrayList<>();
        InternetAddress from = single(request.from(), "from", errors);
        List<InternetAddress> to = addresses(request.to(), "to", errors);
        List<InternetAddress> cc = addresses(request.cc(), "cc", errors);
        List<InternetAddress> bcc = addresses(request.bcc(), "bcc", errors);
        List<InternetAddress> replyTo = addresses(request.replyTo(), "reply_to", errors);
        if (isEmpty(request.text()) && isEmpty(request.html())) {
            errors.add(new Problem.FieldError("text", "give text, html or both"));
        }
        if (request.subject() != null && hasLineBreak(request.subject())) {
            errors.add(new Problem.FieldError("subject", "must not contain line breaks"));
        }
        if (request.tags() != null) {
            for (int i = 0; i < request.tags().size(); i++) {
                if (request.tags().get(i) == null
                        || !TAG.matcher(request.tags().get(i)).matches()) {
                    errors.add(new Problem.FieldError("tags[" + i + "]", "1 to 64 of A-Z a-z 0-9 . _ : -"));
                }
            }
        }
        Map<String, String> headers = headers(request.headers(), errors);
        List<DecodedAttachment> attachments = attachments(request.attachments(), errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalidRequest(errors);
        }
        long attachmentBytes =
                attachments.stream().mapToLong(a -> a.bytes.length).sum();
        if (attachmentBytes > maxAttachmentBytes) {
            throw ApiProblem.attachmentsTooLarge(attachmentBytes, maxAttachmentBytes);
        }

        List<String> recipients = envelopeRecipients(to, cc, bcc);
        if (recipients.isEmpty()) {
            throw ApiProblem.noRecipients();
        }
        String messageId = "<" + id + "@" + hostname + ">";
        try {
            MimeMessage message = new FixedIdMessage(SESSION, messageId);
            message.setFrom(from);
            if (!to.isEmpty()) {
                message.setRecipients(jakarta.mail.Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            }
            if (!cc.isEmpty()) {
                message.setRecipients(jakarta.mail.Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            }
            if (!replyTo.isEmpty()) {
                message.setReplyTo(replyTo.toArray(InternetAddress[]::new));
            }
            if (request.subject() != null) {
                message.setSubject(request.subject(), "UTF-8");
            }
            message.setSentDate(Date.from(date));
            for (Map.Entry<String, String> header : headers.entrySet()) {
                message.addHeader(header.getKey(), header.getValue());
            }
            setBody(message, request, attachments);
            message.saveChanges();
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(4096 + (int) Math.min(attachmentBytes * 4 / 3, 1 << 28));
            message.writeTo(out);
            return new Composed(
                    out.toByteArray(), from.getAddress(), recipients, message.getMessageID(), attachmentBytes);
        } catch (MessagingException e) {
            throw ApiProblem.invalidRequest("body", "cannot compose a MIME message: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void setBody(MimeMessage message, SendRequest request, List<DecodedAttachment> attachments)
            throws MessagingException {
        boolean hasText = !isEmpty(request.text());
        boolean hasHtml = !isEmpty(request.html());
        List<DecodedAttachment> inline =
                hasHtml ? attachments.stream().filter(a -> a.contentId != null).toList() : List.of();
        List<DecodedAttachment> attached =
                attachments.stream().filter(a -> !inline.contains(a)).toList();

        // The HTML, with its inline images when it has any (RFC 2387 multipart/related).
        MimeMultipart related = null;
        if (!inline.isEmpty()) {
            related = new MimeMultipart("related");
            related.addBodyPart(textPart(request.html(), "html"));
            for (DecodedAttachment a : inline) {
                related.addBodyPart(attachmentPart(a, Part.INLINE));
            }
        }
        // Text and HTML as alternatives of the same content, plainest first (RFC 2046 §5.1.4).
        MimeMultipart alternative = null;
        if (hasText && hasHtml) {
            alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(request.text(), "plain"));
            alternative.addBodyPart(related != null ? wrap(related) : textPart(request.html(), "html"));
        }
        MimeMultipart bodyMultipart = alternative != null ? alternative : related;

        if (attached.isEmpty()) {
            if (bodyMultipart != null) {
                message.setContent(bodyMultipart);
            } else if (hasHtml) {
                message.setText(canonicalLineEnds(request.html()), "UTF-8", "html");
            } else {
                message.setText(canonicalLineEnds(request.text()), "UTF-8", "plain");
            }
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(
                bodyMultipart != null
                        ? wrap(bodyMultipart)
                        : hasHtml ? textPart(request.html(), "html") : textPart(request.text(), "plain"));
        for (DecodedAttachment a : attached) {
            mixed.addBodyPart(attachmentPart(a, a.contentId != null ? Part.INLINE : Part.ATTACHMENT));
        }
        message.setContent(mixed);
    }

    private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(multipart);
        return part;
    }

    /** Text in canonical form: CRLF line ends (RFC 2046 §4.1.1); Jakarta Mail picks 7bit, QP or base64. */
    private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(canonicalLineEnds(text), "UTF-8", subtype);
        return part;
    }

    private static MimeBodyPart attachmentPart(DecodedAttachment a, String disposition) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(a.bytes, a.contentType)));
        part.setDisposition(disposition);
        part.setFileName(a.filename);
        if (a.contentId != null) {
            part.setContentID("<" + a.contentId + ">");
        }
        // base64 always: the bytes come back exactly, whatever relays do to line ends or 8-bit data
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    // --- validation of the JSON members

    private static InternetAddress single(String value, String field, List<Problem.FieldError> errors) {
        if (value == null) {
            errors.add(new Problem.FieldError(field, "required"));
            return null;
        }
        return parseAddress(value, field, errors);
    }

    private static List<InternetAddress> addresses(List<String> values, String field, List<Problem.FieldError> errors) {
        List<InternetAddress> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (int i = 0; i < values.size(); i++) {
            InternetAddress a = parseAddress(values.get(i), field + "[" + i + "]", errors);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** One mailbox, {@code addr} or {@code Name <addr>}; ASCII addr-spec with a domain (no SMTPUTF8 yet). */
    static InternetAddress parseAddress(String value, String field, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank() || hasLineBreak(value)) {
            errors.add(new Problem.FieldError(field, "not an e-mail address"));
            return null;
        }
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(value, true);
            if (parsed.length != 1 || parsed[0].isGroup()) {
                errors.add(new Problem.FieldError(field, "give exactly one address"));
                return null;
            }
            InternetAddress address = parsed[0];
            address.validate();
            String addr = address.getAddress();
            int at = addr.lastIndexOf('@');
            if (at <= 0
                    || at == addr.length() - 1
                    || !StandardCharsets.US_ASCII.newEncoder().canEncode(addr)
                    || addr.length() > 254) {
                errors.add(new Problem.FieldError(field, "not an e-mail address (ASCII local-part@domain)"));
                return null;
            }
            // re-created so that a non-ASCII display name is written as RFC 2047 encoded words, not raw 8-bit
            return address.getPersonal() == null ? address : new InternetAddress(addr, address.getPersonal(), "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        } catch (AddressException e) {
            errors.add(new Problem.FieldError(field, "not an e-mail address: " + e.getMessage()));
            return null;
        }
    }

    private static Map<String, String> headers(Map<String, String> headers, List<Problem.FieldError> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (headers == null) {
            return out;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String field = "headers." + name;
            if (name == null || !FIELD_NAME.matcher(name).matches()) {
                errors.add(new Problem.FieldError(field, "not a header field name"));
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (FORBIDDEN_HEADERS.contains(lower) || lower.startsWith("content-") || lower.startsWith("arc-")) {
                throw ApiProblem.forbiddenHeader(name);
            }
            String value = h.getValue() == null ? "" : h.getValue();
            if (hasLineBreak(value) || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                errors.add(new Problem.FieldError(field, "must not contain line breaks or control characters"));
                continue;
            }
            try {
                // RFC 2047 for non-ASCII text, then folded so no line exceeds 78 characters where possible
                out.put(name, MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, "UTF-8", null)));
            } catch (java.io.UnsupportedEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private record DecodedAttachment(String filename, String contentType, byte[] bytes, String contentId) {}

    private static List<DecodedAttachment> attachments(
            List<SendRequest.Attachment> list, List<Problem.FieldError> errors) {
        List<DecodedAttachment> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            SendRequest.Attachment a = list.get(i);
            String field = "attachments[" + i + "]";
            if (a == null) {
                errors.add(new Problem.FieldError(field, "required"));
                continue;
            }
            if (a.filename() == null
                    || a.filename().isBlank()
                    || a.filename().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                errors.add(new Problem.FieldError(field + ".filename", "required, without control characters"));
                continue;
            }
            String contentType = a.contentType() == null || a.contentType().isBlank()
                    ? "application/octet-stream"
                    : a.contentType().trim();
            try {
                ContentType parsed = new ContentType(contentType);
                String primary = parsed.getPrimaryType().toLowerCase(Locale.ROOT);
                if (primary.equals("multipart") || primary.equals("message")) {
                    errors.add(new Problem.FieldError(
                            field + ".content_type",
                            "composite types (multipart/*, message/*) cannot be attached as base64 parts"));
                    continue;
                }
                contentType = parsed.toString();
            } catch (ParseException e) {
                errors.add(new Problem.FieldError(field + ".content_type", "not a MIME type"));
                continue;
            }
            if (a.contentId() != null && !CONTENT_ID.matcher(a.contentId()).matches()) {
                errors.add(new Problem.FieldError(field + ".content_id", "not a valid Content-ID (no spaces, <, >)"));
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder()
                        .decode(a.content() == null ? "" : a.content().replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError(field + ".content", "not base64"));
                continue;
            }
            out.add(new DecodedAttachment(a.filename(), contentType, bytes, a.contentId()));
        }
        return out;
    }

    /** To, Cc and Bcc addresses, de-duplicated ignoring case, in order of appearance. */
    private static List<String> envelopeRecipients(
            List<InternetAddress> to, List<InternetAddress> cc, List<InternetAddress> bcc) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            for (InternetAddress a : list) {
                seen.putIfAbsent(a.getAddress().toLowerCase(Locale.ROOT), a.getAddress());
            }
        }
        return List.copyOf(seen.values());
    }

    static String canonicalLineEnds(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static Properties sessionProperties() {
        Properties p = new Properties();
        p.setProperty("mail.mime.encodeparameters", "true"); // RFC 2231 file names
        p.setProperty("mail.mime.encodefilename", "false"); // ... not RFC 2047 inside parameters
        p.setProperty("mail.mime.allowutf8", "false"); // headers stay 7-bit: no SMTPUTF8 needed
        p.setProperty("mail.mime.foldtext", "true");
        p.setProperty("mail.mime.splitlongparameters", "true");
        return p;
    }

    /** Jakarta Mail would invent its own Message-ID; mailgate's names the message id and its host. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                setHeader("Message-ID", messageId);
            }
        }
    }
}
