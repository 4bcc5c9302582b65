package dev.mailgate.auth;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Identity;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns what Quarkus OIDC verified (signature, issuer, expiry, audience) into mailgate's
 * {@link Identity}: the principal, the email only when {@code email_verified} is true, and the
 * senders claim, which Keycloak emits as a JSON array or, for a single value, a string.
 */
@ApplicationScoped
public class IdentityMapper {

    private final MailgateConfig.Auth config;

    public IdentityMapper(MailgateConfig config) {
        this.config = config.auth();
    }

    public Identity toIdentity(SecurityIdentity security) {
        String principal = security.getPrincipal().getName();
        Optional<String> email = Optional.empty();
        List<String> senders = List.of();
        Map<String, Integer> limits = Map.of();
        if (security.getPrincipal() instanceof JsonWebToken jwt) {
            email = verifiedEmail(jwt);
            senders = stringList(jwt.getClaim(config.sendersClaim()));
            limits = limits(jwt.getClaim(config.limitsClaim()));
        }
        return new Identity(principal, email, senders, security.getRoles(), config.sendRole(), limits);
    }

    /**
     * Sending-limit overrides from a token claim: a JSON object ({@code {"messages-per-minute": 500}}) or a
     * string ({@code "messages-per-minute=500, recipients-per-day=20000"}). Unknown names and non-positive or
     * unparsable values are ignored.
     */
    static Map<String, Integer> limits(Object claim) {
        Map<String, Integer> out = new TreeMap<>();
        if (claim instanceof JsonObject object) {
            object.forEach((name, value) -> put(out, name, asString(value)));
        } else if (claim instanceof Map<?, ?> map) {
            map.forEach((name, value) -> put(out, String.valueOf(name), asString(value)));
        } else {
            String text = asString(claim);
            if (text != null) {
                for (String pair : text.split("[,;\\s]+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        put(out, pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        return out;
    }

    private static final Set<String> LIMIT_NAMES = Set.of(
            "messages-per-minute",
            "messages-per-hour",
            "messages-per-day",
            "recipients-per-minute",
            "recipients-per-hour",
            "recipients-per-day");

    private static void put(Map<String, Integer> out, String name, String value) {
        String key = name.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (!LIMIT_NAMES.contains(key) || value == null) {
            return;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                out.put(key, n);
            }
        } catch (NumberFormatException ignored) {
            // not a number: no override
        }
    }

    private static Optional<String> verifiedEmail(JsonWebToken jwt) {
        Object email = jwt.getClaim("email");
        Object verified = jwt.getClaim("email_verified");
        String address = asString(email);
        boolean isVerified =
                verified instanceof Boolean b ? b : verified == JsonValue.TRUE || "true".equals(asString(verified));
        return isVerified && address != null && !address.isBlank() ? Optional.of(address) : Optional.empty();
    }

    static List<String> stringList(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue v : array) {
                addIfText(values, asString(v));
            }
        } else if (claim instanceof Collection<?> collection) {
            for (Object v : collection) {
                addIfText(values, asString(v));
            }
        } else {
            String single = asString(claim);
            if (single != null) {
                for (String part : single.split("[,\\s]+")) {
                    addIfText(values, part);
                }
            }
        }
        return values;
    }

    private static void addIfText(List<String> values, String value) {
        if (value != null && !value.isBlank()) {
            values.add(value.trim());
        }
    }

    private static String asString(Object value) {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof JsonValue v && v.getValueType() != JsonValue.ValueType.NULL) {
            String text = v.toString();
            return text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
        }
        return value == null ? null : value.toString();
    }
}
