package dev.mailgate.mail;

import java.util.UUID;

/**
 * A message handed in through any door, before the shared checks: who (already authenticated),
 * from where, under which id, with which envelope, and the bytes (trace header already in front).
 */
public record Submission(
        Identity identity, String clientAddress, Door door, UUID id, Envelope envelope, byte[] message) {}
