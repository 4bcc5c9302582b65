package dev.mailgate.queue;

import java.util.UUID;

/**
 * A recipient a worker has leased for delivery; nobody else gets it until the lease runs out.
 * {@code messageSize} tells the worker how much heap loading the message will take.
 */
public record ClaimedRecipient(
        long id,
        UUID messageId,
        String address,
        String domain,
        int attempts,
        RecipientState state,
        String dsnNotify,
        String dsnOrcpt,
        long messageSize) {}
