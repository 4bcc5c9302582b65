package dev.mailgate.inbound;

import java.util.ArrayList;
import java.util.List;

/**
 * EHLO (RFC 5321 §4.1.1.1): remembers the client name, resets any transaction, lists the extensions.
 * STARTTLS is offered only where TLS is still to come, AUTH only once TLS is active (RFC 4954 §4, RFC 8314).
 */
final class EhloCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        String name = HeloCommand.clientName(argument);
        if (name == null) {
            session.refuse("501 5.5.4 Syntax: EHLO hostname");
            return;
        }
        session.greeted(name, true);
        SessionSettings settings = session.settings();
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname() + " Hello " + name);
        lines.add("PIPELINING");
        lines.add("SIZE " + settings.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("CHUNKING");
        lines.add("DSN");
        if (session.tlsActive()) {
            lines.add("AUTH " + SaslMechanisms.advertised());
        } else {
            lines.add("STARTTLS");
        }
        session.replyLines(250, lines);
    }

    @Override
    public boolean allowedBeforeTls() {
        return true;
    }
}
