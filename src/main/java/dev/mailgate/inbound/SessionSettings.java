package dev.mailgate.inbound;

/**
 * Limits and identity of one SMTP listener. {@code implicitTls} is true on the 465 listener
 * (TLS from the first byte) and false on 587 (plaintext greeting, STARTTLS required).
 * Line limits count octets including the CRLF.
 */
public record SessionSettings(
        String hostname,
        boolean implicitTls,
        long maxMessageSize,
        int maxRecipients,
        int maxMessagesPerSession,
        int maxCommandLine,
        int maxAuthLine,
        int maxTextLine,
        int maxInvalidCommands) {

    public static final long DEFAULT_MAX_MESSAGE_SIZE = 26_214_400L;

    public SessionSettings {
        if (hostname == null || hostname.isBlank()) {
            throw new IllegalArgumentException("hostname is required");
        }
        if (maxCommandLine < 512
                || maxAuthLine < maxCommandLine
                || maxTextLine < 3
                || maxMessageSize < 1
                || maxRecipients < 1
                || maxMessagesPerSession < 1
                || maxInvalidCommands < 1) {
            throw new IllegalArgumentException("invalid SMTP session limits");
        }
    }

    /** The defaults of the spec for the 587 (STARTTLS) listener. */
    public static SessionSettings submission(String hostname) {
        return new SessionSettings(hostname, false, DEFAULT_MAX_MESSAGE_SIZE, 100, 100, 512, 12_288, 1000, 20);
    }

    /** The defaults of the spec for the 465 (implicit TLS) listener. */
    public static SessionSettings submissions(String hostname) {
        return submission(hostname).withImplicitTls(true);
    }

    public SessionSettings withImplicitTls(boolean value) {
        return new SessionSettings(
                hostname,
                value,
                maxMessageSize,
                maxRecipients,
                maxMessagesPerSession,
                maxCommandLine,
                maxAuthLine,
                maxTextLine,
                maxInvalidCommands);
    }

    public SessionSettings withMaxMessageSize(long value) {
        return new SessionSettings(
                hostname,
                implicitTls,
                value,
                maxRecipients,
                maxMessagesPerSession,
                maxCommandLine,
                maxAuthLine,
                maxTextLine,
                maxInvalidCommands);
    }

    public SessionSettings withMaxRecipients(int value) {
        return new SessionSettings(
                hostname,
                implicitTls,
                maxMessageSize,
                value,
                maxMessagesPerSession,
                maxCommandLine,
                maxAuthLine,
                maxTextLine,
                maxInvalidCommands);
    }

    public SessionSettings withMaxMessagesPerSession(int value) {
        return new SessionSettings(
                hostname,
                implicitTls,
                maxMessageSize,
                maxRecipients,
                value,
                maxCommandLine,
                maxAuthLine,
                maxTextLine,
                maxInvalidCommands);
    }

    public SessionSettings withMaxInvalidCommands(int value) {
        return new SessionSettings(
                hostname,
                implicitTls,
                maxMessageSize,
                maxRecipients,
                maxMessagesPerSession,
                maxCommandLine,
                maxAuthLine,
                maxTextLine,
                value);
    }
}
