package dev.mailgate.inbound;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The mechanisms we offer, in the order advertised (token mechanisms first: that is what we prefer). */
final class SaslMechanisms {
    private static final Map<String, Supplier<SaslMechanism>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("OAUTHBEARER", OAuthBearerMechanism::new);
        ALL.put("XOAUTH2", XOAuth2Mechanism::new);
        ALL.put("PLAIN", PlainMechanism::new);
        ALL.put("LOGIN", LoginMechanism::new);
    }

    private SaslMechanisms() {}

    static String advertised() {
        return String.join(" ", ALL.keySet());
    }

    /** A new exchange for {@code name} (case-insensitive), or null if we do not offer it. */
    static SaslMechanism create(String name) {
        Supplier<SaslMechanism> factory = ALL.get(name.toUpperCase(Locale.ROOT));
        return factory == null ? null : factory.get();
    }
}
