package dev.mailgate.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON form of a message. mailgate composes the MIME message from it: addresses may carry a
 * display name ({@code "Ana Lía <ana@example.com>"}); {@code bcc} recipients receive the message but
 * never appear in it. Unknown fields are refused, so a misspelt {@code attachements} is not lost silently.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@io.quarkus.runtime.annotations.RegisterForReflection
@Schema(
        name = "SendRequest",
        description = "A message to compose and queue. At least one of `text` and `html`, at least one recipient.")
public record SendRequest(
        @NotBlank
        @Size(max = 998)
        @Schema(
                required = true,
                description =
                        "Author: an address the token owns (its verified email or the allowed_senders claim); optionally with a display name",
                example = "Billing <billing@apps.example.com>")
        String from,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @Schema(description = "To: recipients", example = "[\"Ana Lía <ana@example.net>\"]")
        List<@NotBlank String> to,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) @Schema(description = "Cc: recipients")
        List<@NotBlank String> cc,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @Schema(description = "Blind recipients: queued, never written into the message")
        List<@NotBlank String> bcc,

        @JsonProperty("reply_to")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @Schema(description = "Reply-To: addresses (one string or a list)", example = "[\"support@example.com\"]")
        List<@NotBlank String> replyTo,

        @Size(max = 4000)
        @Schema(
                description = "Subject; any Unicode (encoded as RFC 2047 words as needed)",
                example = "Votre facture n° 42 ✓")
        String subject,

        @Schema(description = "Plain-text body", example = "Hello Ana,\nyour invoice is attached.")
        String text,

        @Schema(
                description = "HTML body; inline images reference attachments by `cid:<content_id>`",
                example = "<p>Hello Ana,</p><p>your invoice is attached.</p><img src=\"cid:logo\">")
        String html,

        @Size(max = 50)
        @Schema(
                description =
                        "Extra header fields. Refused: Bcc, Received, Return-Path, DKIM-Signature, ARC-*, Content-*, MIME-Version, and the fields that have their own JSON member (From, To, Cc, Reply-To, Subject)",
                example = "{\"X-Campaign\": \"november\", \"List-Unsubscribe\": \"<mailto:unsubscribe@example.com>\"}")
        Map<@NotBlank String, @Size(max = 4000) String> headers,

        @Size(max = 100)
        @Schema(description = "Files to attach; with `content_id` an inline part of the HTML (multipart/related)")
        List<@Valid Attachment> attachments,

        @Size(max = 10)
        @Schema(
                description = "Labels for the sender's own bookkeeping (validated; not written into the message)",
                example = "[\"invoice\"]")
        List<@NotBlank @Size(max = 64) String> tags) {

    @JsonIgnoreProperties(ignoreUnknown = false)
    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "Attachment")
    public record Attachment(
            @NotBlank
            @Size(max = 255)
            @Schema(
                    required = true,
                    description = "File name (any Unicode; RFC 2231 encoded as needed)",
                    example = "facture-42 €.pdf")
            String filename,

            @JsonProperty("content_type")
            @Schema(description = "MIME type; default application/octet-stream", example = "application/pdf")
            String contentType,

            @NotBlank
            @Schema(
                    required = true,
                    description = "The bytes, base64 (RFC 4648, no line breaks needed)",
                    example = "JVBERi0xLjQKJcfsj6IK")
            String content,

            @JsonProperty("content_id")
            @Size(max = 250)
            @Schema(
                    description = "Makes this an inline part referenced from the HTML as cid:<content_id>",
                    example = "logo")
            String contentId) {}
}
