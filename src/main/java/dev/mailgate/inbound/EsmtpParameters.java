package dev.mailgate.inbound;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code KEYWORD[=value]} list after a MAIL or RCPT path (RFC 5321 §4.1.2), keywords upper-cased. */
final class EsmtpParameters {
    private EsmtpParameters() {}

    /** The parameters, a keyword without value mapping to null; null when malformed or repeated. */
    static Map<String, String> parse(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        if (text.isBlank()) {
            return result;
        }
        for (String item : text.trim().split(" +")) {
            int eq = item.indexOf('=');
            String keyword = (eq < 0 ? item : item.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : item.substring(eq + 1);
            if (keyword.isEmpty()
                    || !keyword.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')
                    || (value != null && value.isEmpty())
                    || result.containsKey(keyword)) {
                return null;
            }
            result.put(keyword, value);
        }
        return result;
    }

    /** xtext (RFC 3461 §4): printable ASCII except '+' and '=' unless as {@code +XX}. */
    static boolean isXtext(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+') {
                if (i + 2 >= value.length() || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
