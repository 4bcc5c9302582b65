package dev.mailgate.testsupport;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The realm JSON templates under {@code src/test/resources/keycloak/} with their placeholders filled in.
 *
 * <p>The templates hold no secrets: every {@code ${NAME}} (upper case) gets a fresh random value per run.
 * Naming convention: {@code ${SENDER_APP_SECRET}} is the secret of client {@code sender-app},
 * {@code ${ALICE_PASSWORD}} the password of user {@code alice}; {@code other-realm.json} prefixes its
 * names with {@code OTHER_}. Lower-case {@code ${username}} are Keycloak's own message keys and stay.
 */
public final class RealmTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> values;
    private final Map<String, String> renderedByFileName;

    private RealmTemplates(Map<String, String> values, Map<String, String> renderedByFileName) {
        this.values = values;
        this.renderedByFileName = renderedByFileName;
    }

    /** Fills every template of {@link KeycloakServer#realmResources()} with new random values. */
    public static RealmTemplates generate() {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> rendered = new LinkedHashMap<>();
        for (String resource : KeycloakServer.realmResources()) {
            String template = KeycloakServer.resource(resource);
            Matcher matcher = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String value = values.computeIfAbsent(matcher.group(1), name -> randomValue());
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(out);
            rendered.put(resource.substring(resource.lastIndexOf('/') + 1), out.toString());
        }
        return new RealmTemplates(values, rendered);
    }

    /** The generated values, to hand to another class loader of this JVM (see {@link SystemLoaded}). */
    Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** Templates already generated elsewhere in this JVM: the values only, nothing to render. */
    static RealmTemplates of(Map<String, String> values) {
        return new RealmTemplates(Map.copyOf(values), Map.of());
    }

    /** 192 random bits, URL-safe Base64: safe inside JSON, URLs and shell words. */
    static String randomValue() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Realm file name (e.g. {@code mail-realm.json}) to its content, ready for Keycloak's import folder. */
    public Map<String, String> renderedByFileName() {
        return renderedByFileName;
    }

    public String secret(String clientId) {
        return value(placeholderName(clientId) + "_SECRET", "client " + clientId);
    }

    public boolean hasSecret(String clientId) {
        return values.containsKey(placeholderName(clientId) + "_SECRET");
    }

    public String password(String username) {
        return value(placeholderName(username) + "_PASSWORD", "user " + username);
    }

    public String otherRealmSenderSecret() {
        return value("OTHER_SENDER_APP_SECRET", "client sender-app of realm other");
    }

    private String value(String name, String what) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the realm templates have no ${" + name + "} for " + what);
        }
        return value;
    }

    private static String placeholderName(String id) {
        return id.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
