package dev.mailgate.inbound;

/** HELO (RFC 5321 §4.1.1.1): the old greeting, no extensions. */
final class HeloCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        String name = clientName(argument);
        if (name == null) {
            session.refuse("501 5.5.4 Syntax: HELO hostname");
            return;
        }
        session.greeted(name, false);
        session.reply("250 " + session.settings().hostname());
    }

    @Override
    public boolean allowedBeforeTls() {
        return true;
    }

    /**
     * The client's name: a domain or address literal. We only insist on one printable ASCII token
     * (many clients send bare names or odd literals); it ends up in the Received header.
     */
    static String clientName(String argument) {
        String name = argument.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0 || name.length() > 255) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
        }
        return name;
    }
}
