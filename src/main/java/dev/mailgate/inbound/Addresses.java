package dev.mailgate.inbound;

/**
 * Mailbox syntax of RFC 5321 §4.1.2 (with RFC 6531 UTF-8 when the transaction uses SMTPUTF8).
 * Deliberately strict on what could confuse later stages (controls, spaces, brackets), lenient on the rest.
 */
final class Addresses {
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private Addresses() {}

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The reverse- or forward-path of {@code <path> params}: returns {path-content, rest} or null when
     * there is no well-formed {@code <...>}. A source route {@code <@a,@b:user@c>} is dropped (RFC 5321 §4.1.2).
     */
    static String[] splitPath(String argument) {
        String s = argument.stripLeading();
        if (!s.startsWith("<")) {
            return null;
        }
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                String path = s.substring(1, i);
                String rest = s.substring(i + 1);
                if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                    return null;
                }
                if (path.startsWith("@")) {
                    int colon = path.indexOf(':');
                    if (colon < 0) {
                        return null;
                    }
                    path = path.substring(colon + 1);
                }
                return new String[] {path, rest.trim()};
            }
        }
        return null;
    }

    /** Whether {@code address} is a valid {@code local@domain} mailbox. */
    static boolean isMailbox(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return local.length() <= 64 && domain.length() <= 255 && validLocal(local) && validDomain(domain);
    }

    private static boolean validLocal(String local) {
        if (local.startsWith("\"")) {
            if (local.length() < 2 || !local.endsWith("\"")) {
                return false;
            }
            for (int i = 1; i < local.length() - 1; i++) {
                char c = local.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\uFFFD') {
                    return false;
                }
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    return false;
                }
            }
            return true;
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (!(isAlnum(c) || c == '.' || ATEXT_SPECIALS.indexOf(c) >= 0 || (c > 0x7f && c != '\uFFFD'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean validDomain(String domain) {
        if (domain.startsWith("[")) {
            if (!domain.endsWith("]") || domain.length() < 3) {
                return false;
            }
            for (int i = 1; i < domain.length() - 1; i++) {
                char c = domain.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']' || c == '\\') {
                    return false;
                }
            }
            return true;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(isAlnum(c) || c == '-' || (c > 0x7f && c != '\uFFFD'))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
