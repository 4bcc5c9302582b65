package dev.mailgate.queue;

import java.util.UUID;

/** A recipient a worker has leased for delivery; nobody else gets it until the lease runs out. */
public record ClaimedRecipient(long id, UUID messageId, String address, String domain, int attempts,
        RecipientState state, String dsnNotify, String dsnOrcpt) {
}
