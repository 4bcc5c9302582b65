package dev.mailgate.mail;

import java.time.Duration;

/**
 * One per-principal sending limit: at most {@code limit} {@code what} ("messages" or "recipients") per
 * {@code window}. Policy decides which apply to a sender; the queue counts them where it stores the messages.
 */
public record SendingLimit(String what, Duration window, int limit) {}
