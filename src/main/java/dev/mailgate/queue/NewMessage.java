package dev.mailgate.queue;

import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A message ready to be committed: identity of the sender, where it came from, its envelope and
 * the exact bytes to keep (trace header already in front).
 */
public record NewMessage(
        UUID id,
        Instant receivedAt,
        String principal,
        String clientAddress,
        Door door,
        Envelope envelope,
        byte[] raw,
        Optional<String> messageId) {}
