package dev.mailgate.api;

import dev.mailgate.mail.Refusal;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP API error on its way to the client as {@code application/problem+json}. Every kind has a
 * factory here so that its status, {@code type} and title are defined once.
 */
public class ApiProblem extends RuntimeException {

    public static final String BASE = "https://mailgate.dev/problems/";

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Duration retryAfter;

    public ApiProblem(int status, String kind, String title, String detail) {
        this(status, kind, title, detail, null, null);
    }

    private ApiProblem(
            int status,
            String kind,
            String title,
            String detail,
            List<Problem.FieldError> errors,
            Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.type = kind.startsWith("https://") || kind.equals("about:blank") ? kind : BASE + kind;
        this.title = title;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** For 429 and 409/503: when to try again, sent as {@code Retry-After}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The {@code Retry-After} value: whole seconds, rounded up, at least one. */
    long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    public Problem toProblem(String instance) {
        return new Problem(type, title, status, getMessage(), instance, errors);
    }

    // --- the shared submission path's refusals (same rules as SMTP)

    public static ApiProblem of(Refusal refusal) {
        String kind = refusal.problemType();
        String title = switch (kind.substring(kind.lastIndexOf('/') + 1)) {
            case "missing-role" -> "Not allowed to send";
            case "sender-not-owned" -> "Sender address not owned";
            case "store-unavailable" -> "Temporarily unable to accept mail";
            case "missing-from" -> "Message has no From: header";
            case "invalid-header" -> "Invalid message header";
            case "rate-limited" -> "Sending limit exceeded";
            case "content-policy" -> "Message refused by content policy";
            case "content-deferred" -> "Message deferred by content policy";
            default -> "Message refused";
        };
        // sending limits say when the window reopens; other temporary refusals get a short pause
        Duration retry = refusal.retryAfter().isPresent()
                ? Duration.ofSeconds(Math.max(1, refusal.retryAfter().getAsLong()))
                : refusal.httpStatus() == 503 ? Duration.ofSeconds(5) : null;
        return new ApiProblem(refusal.httpStatus(), kind, title, refusal.text(), null, retry);
    }

    // --- request problems

    public static ApiProblem invalidRequest(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ApiProblem(422, "invalid-request", "Invalid request", detail, List.copyOf(errors), null);
    }

    public static ApiProblem invalidRequest(String field, String message) {
        return invalidRequest(List.of(new Problem.FieldError(field, message)));
    }

    public static ApiProblem malformedRequest(String detail) {
        return new ApiProblem(400, "malformed-request", "Malformed request body", detail);
    }

    public static ApiProblem forbiddenHeader(String name) {
        return new ApiProblem(
                422,
                "forbidden-header",
                "Header not allowed",
                "the header " + name + " may not be set through the API (mailgate sets it, or it is unsafe)");
    }

    public static ApiProblem invalidMessage(String detail) {
        return new ApiProblem(422, "invalid-message", "Invalid message", detail);
    }

    public static ApiProblem noRecipients() {
        return new ApiProblem(
                422,
                "no-recipients",
                "No recipients",
                "the message has no recipients: give to, cc or bcc (JSON), or ?to= or To:/Cc:/Bcc: headers (raw)");
    }

    public static ApiProblem tooManyRecipients(int count, int limit) {
        return new ApiProblem(
                422,
                "too-many-recipients",
                "Too many recipients",
                count + " recipients, at most " + limit + " per message");
    }

    public static ApiProblem messageTooLarge(long size, long limit) {
        return new ApiProblem(
                413,
                "message-too-large",
                "Message too large",
                "the message is " + size + " octets, at most " + limit + " are accepted");
    }

    public static ApiProblem attachmentsTooLarge(long size, long limit) {
        return new ApiProblem(
                413,
                "attachments-too-large",
                "Attachments too large",
                "the attachments total " + size + " octets, at most " + limit + " are accepted");
    }

    public static ApiProblem requestTooLarge(String detail) {
        return new ApiProblem(413, "request-too-large", "Request body too large", detail);
    }

    // --- idempotency

    public static ApiProblem invalidIdempotencyKey() {
        return new ApiProblem(
                400,
                "invalid-idempotency-key",
                "Invalid Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }

    public static ApiProblem idempotencyKeyReused() {
        return new ApiProblem(
                422,
                "idempotency-key-reused",
                "Idempotency-Key reused with a different request",
                "this Idempotency-Key was already used with a different request body; use a new key for a new message");
    }

    public static ApiProblem idempotencyInProgress() {
        return new ApiProblem(
                409,
                "idempotency-in-progress",
                "Request with this Idempotency-Key still in progress",
                "a request with the same Idempotency-Key is still being processed; retry later",
                null,
                Duration.ofSeconds(1));
    }

    // --- rate limits (the shared limiter of the submission path)

    public static ApiProblem rateLimited(Duration retryAfter) {
        return new ApiProblem(
                429,
                "rate-limited",
                "Too many messages",
                "the sending rate of this identity is exceeded; retry after " + Math.max(1, retryAfter.toSeconds())
                        + " s",
                null,
                retryAfter);
    }

    public static ApiProblem insufficientStorage() {
        return new ApiProblem(
                503,
                "insufficient-storage",
                "Too many messages in memory",
                "the messages being received and delivered fill the memory set aside for them; try again shortly",
                null,
                Duration.ofSeconds(5));
    }

    public static ApiProblem authenticationUnavailable() {
        return new ApiProblem(
                503,
                "authentication-unavailable",
                "Authentication temporarily unavailable",
                "the identity provider cannot be reached to verify the token; try again shortly",
                null,
                Duration.ofSeconds(5));
    }

    // --- reading

    public static ApiProblem messageNotFound() {
        return new ApiProblem(
                404, "message-not-found", "Message not found", "no message with this id is visible to this identity");
    }
}
