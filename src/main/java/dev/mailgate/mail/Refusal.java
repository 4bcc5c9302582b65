package dev.mailgate.mail;

/**
 * Why a submission was not accepted, in the vocabulary of both doors: the SMTP reply
 * (code + RFC 3463 enhanced status + text) and the HTTP problem (status + stable type).
 * A 4xx SMTP code means "try again later"; nothing is stored in either case.
 */
public record Refusal(
        int smtpCode, String enhancedStatus, String text, int httpStatus, String problemType, Long retryAfterSeconds) {

    /** A refusal without a retry hint (every refusal except rate limits). */
    public Refusal(int smtpCode, String enhancedStatus, String text, int httpStatus, String problemType) {
        this(smtpCode, enhancedStatus, text, httpStatus, problemType, null);
    }

    /** Seconds after which a retry may succeed: the API sends it as {@code Retry-After} (with 429). */
    public java.util.OptionalLong retryAfter() {
        return retryAfterSeconds == null
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(retryAfterSeconds);
    }

    /** The SMTP reply line without CRLF, e.g. {@code 550 5.7.1 Sender address not owned}. */
    public String smtpReply() {
        return smtpCode + " " + enhancedStatus + " " + text;
    }

    public static Refusal storeUnavailable() {
        return new Refusal(
                451,
                "4.3.0",
                "Temporary failure storing the message, try again later",
                503,
                "https://mailgate.dev/problems/store-unavailable");
    }

    public static Refusal senderNotOwned(String what, String address) {
        return new Refusal(
                550,
                "5.7.1",
                what + " <" + address + "> is not an address of the authenticated identity",
                403,
                "https://mailgate.dev/problems/sender-not-owned");
    }

    /** The identity lacks {@code mailgate.auth.send-role} (same text and type as the shared submission path uses). */
    public static Refusal missingRole(String principal) {
        return new Refusal(
                550,
                "5.7.1",
                principal + " is not authorized to send mail",
                403,
                "https://mailgate.dev/problems/missing-role");
    }

    /** Over a per-principal sending limit: {@code 451 4.7.1} / HTTP 429 with {@code Retry-After}. */
    public static Refusal rateLimited(String what, long retryAfterSeconds) {
        return new Refusal(
                451,
                "4.7.1",
                "Sending limit exceeded (" + what + "), try again in " + retryAfterSeconds + " s",
                429,
                "https://mailgate.dev/problems/rate-limited",
                retryAfterSeconds);
    }

    /** Content policy or spam filter: permanent. */
    public static Refusal policy(String text) {
        return new Refusal(550, "5.7.1", text, 422, "https://mailgate.dev/problems/content-policy");
    }

    /** Content policy or spam filter asks to try later. */
    public static Refusal policyDeferred(String text) {
        return new Refusal(451, "4.7.1", text, 503, "https://mailgate.dev/problems/content-deferred", 60L);
    }
}
