package dev.mailgate.inbound;

/** One SMTP verb (or a group of verbs sharing their rules). Instances are stateless; state lives in the session. */
interface Command {

    /** @param argument the text after the verb and one space, without the CRLF; empty when there was none */
    void execute(String argument, SmtpServerSession session);

    /** Whether the verb may be used on 587 before STARTTLS (RFC 3207 §4, RFC 8314: nothing sensitive in clear). */
    default boolean allowedBeforeTls() {
        return false;
    }

    /** AUTH lines may carry a token of a few KB (RFC 4954 §4): the longer limit applies. */
    default boolean longLine() {
        return false;
    }
}
