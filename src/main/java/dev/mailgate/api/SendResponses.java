package dev.mailgate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the API answers: the 202 for a queued message and the status of a message. */
public final class SendResponses {

    private SendResponses() {}

    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(
            name = "Accepted",
            description = "The message is committed to the queue (the answer is given only after COMMIT)")
    public record Accepted(
            @Schema(
                    description = "Message id; poll GET /v1/messages/{id}",
                    example = "0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11")
            UUID id,

            @Schema(description = "Always `queued` here", example = "queued")
            String status,

            @Schema(description = "Every envelope recipient, To, Cc and Bcc together, de-duplicated")
            List<AcceptedRecipient> recipients) {}

    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "AcceptedRecipient")
    public record AcceptedRecipient(
            @Schema(example = "ana@example.net") String address,
            @Schema(example = "queued") String status) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "MessageStatus", description = "A message and the delivery state of each recipient")
    public record MessageStatus(
            UUID id,

            @Schema(
                    description =
                            "queued: nothing final yet and no attempt; sending: attempts under way; delivered: all delivered; failed: all final, none delivered; partial: all final, some delivered",
                    enumeration = {"queued", "sending", "delivered", "failed", "partial"},
                    example = "sending")
            String status,

            @JsonProperty("received_at") Instant receivedAt,

            @Schema(description = "Envelope sender (MAIL FROM)", example = "billing@apps.example.com")
            String sender,

            @Schema(description = "Size of the stored message in octets")
            long size,

            @JsonProperty("message_id")
            @Schema(
                    description = "The Message-ID header field",
                    example = "<0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11@mail.example.com>")
            String messageId,

            List<RecipientStatus> recipients) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "RecipientStatus")
    public record RecipientStatus(
            @Schema(example = "ana@example.net") String address,

            @Schema(
                    enumeration = {"queued", "deferred", "delivered", "bounced", "failed"},
                    example = "deferred")
            String status,

            @JsonProperty("attempt_count") int attemptCount,

            @JsonProperty("next_attempt_at") @Schema(description = "Only while not final")
            Instant nextAttemptAt,

            @JsonProperty("last_reply") @Schema(example = "451 4.7.1 Greylisted, try again later")
            String lastReply,

            @JsonProperty("updated_at") Instant updatedAt,
            List<Attempt> attempts) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "DeliveryAttempt")
    public record Attempt(
            @Schema(description = "When the attempt was made")
            Instant at,

            @JsonProperty("mx_host") @Schema(example = "mx1.example.net")
            String mxHost,

            @JsonProperty("remote_reply") @Schema(example = "451 4.7.1 Greylisted, try again later")
            String remoteReply,

            @Schema(example = "TLSv1.3 TLS_AES_256_GCM_SHA384")
            String tls,

            @Schema(enumeration = {"delivered", "deferred", "bounced", "failed"})
            String outcome) {}
}
