package dev.mailgate.mail;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is sending, as Keycloak vouched for it: the principal name, the verified email (if any),
 * the extra sender addresses/domains from the senders claim, and the roles.
 * Shared by SMTP and the HTTP API so both doors authorize the same way.
 */
public record Identity(
        String principal,
        Optional<String> verifiedEmail,
        List<String> allowedSenders,
        Set<String> roles,
        String sendRole,
        Map<String, Integer> limits) {

    public Identity {
        allowedSenders = List.copyOf(allowedSenders);
        roles = Set.copyOf(roles);
        limits = Map.copyOf(limits);
    }

    /** An identity without sending-limit overrides from its token. */
    public Identity(
            String principal,
            Optional<String> verifiedEmail,
            List<String> allowedSenders,
            Set<String> roles,
            String sendRole) {
        this(principal, verifiedEmail, allowedSenders, roles, sendRole, Map.of());
    }

    /** Whether the identity carries the role that sending needs. */
    public boolean maySend() {
        return roles.contains(sendRole);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /**
     * Whether {@code address} (a bare addr-spec, no angle brackets) belongs to this identity:
     * its verified email, an exact entry of the senders claim, or a domain covered by an
     * {@code @domain} entry. Local parts compare exactly (RFC 5321 §2.4), domains case-insensitively.
     */
    public boolean owns(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (verifiedEmail.isPresent() && sameAddress(verifiedEmail.get(), local, domain)) {
            return true;
        }
        for (String entry : allowedSenders) {
            String e = entry.trim();
            if (e.startsWith("@")) {
                if (e.substring(1).toLowerCase(Locale.ROOT).equals(domain)) {
                    return true;
                }
            } else if (sameAddress(e, local, domain)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String candidate, String local, String domain) {
        int at = candidate.lastIndexOf('@');
        if (at <= 0) {
            return false;
        }
        // Local parts are case-sensitive in theory, but every real mailbox provider (and Keycloak,
        // which lower-cases emails) treats them case-insensitively; refusing Alice@ for alice@ helps nobody.
        return candidate.substring(0, at).equalsIgnoreCase(local)
                && candidate.substring(at + 1).toLowerCase(Locale.ROOT).equals(domain);
    }
}
