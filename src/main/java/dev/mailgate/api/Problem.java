package dev.mailgate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document ({@code application/problem+json}). {@code type} is stable per kind
 * of error and is what clients should branch on; {@code title} is its fixed human summary and
 * {@code detail} explains this occurrence.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.quarkus.runtime.annotations.RegisterForReflection
@Schema(name = "Problem", description = "RFC 9457 problem details. Branch on `type`, never on `title` or `detail`.")
public record Problem(
        @Schema(
                description = "Stable URI naming the kind of error",
                example = "https://mailgate.dev/problems/sender-not-owned")
        String type,

        @Schema(description = "Short summary of the kind of error", example = "Sender address not owned")
        String title,

        @Schema(description = "HTTP status code", example = "403")
        int status,

        @Schema(
                description = "What went wrong with this request",
                example = "From: address <ceo@example.com> is not an address of the authenticated identity")
        String detail,

        @Schema(description = "The request path", example = "/v1/messages")
        String instance,

        @Schema(description = "For validation errors: one entry per offending field")
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @io.quarkus.runtime.annotations.RegisterForReflection
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(example = "to[0]") String field,
            @Schema(example = "not an e-mail address") String message) {}
}
