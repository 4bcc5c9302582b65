package dev.mailgate.audit;

import java.time.Instant;
import java.util.UUID;

/** Something worth an audit line. {@code detail} is free text: never a password or token. */
public record AuditEvent(
        Instant at, String type, String principal, String clientAddress, String door, UUID messageId, String detail) {

    public static AuditEvent of(String type, String principal, String clientAddress, String door, String detail) {
        return new AuditEvent(Instant.now(), type, principal, clientAddress, door, null, detail);
    }
}
