package dev.mailgate.inbound;

import java.util.Locale;
import java.util.Map;

/** Verb to handler, case-insensitive (RFC 5321 §2.4). */
final class CommandRegistry {
    private final Map<String, Command> commands;

    private CommandRegistry(Map<String, Command> commands) {
        this.commands = Map.copyOf(commands);
    }

    static CommandRegistry standard() {
        Command greeting = new EhloCommand();
        return new CommandRegistry(Map.ofEntries(
                Map.entry("EHLO", greeting),
                Map.entry("HELO", new HeloCommand()),
                Map.entry("STARTTLS", new StartTlsCommand()),
                Map.entry("AUTH", new AuthCommand()),
                Map.entry("MAIL", new MailCommand()),
                Map.entry("RCPT", new RcptCommand()),
                Map.entry("DATA", new DataCommand()),
                Map.entry("BDAT", new BdatCommand()),
                Map.entry("RSET", new SimpleCommands.Rset()),
                Map.entry("NOOP", new SimpleCommands.Noop()),
                Map.entry("QUIT", new SimpleCommands.Quit()),
                Map.entry("VRFY", new SimpleCommands.Vrfy()),
                Map.entry("HELP", new SimpleCommands.Help())));
    }

    /** The handler for {@code verb}, or null. */
    Command find(String verb) {
        return commands.get(verb.toUpperCase(Locale.ROOT));
    }
}
