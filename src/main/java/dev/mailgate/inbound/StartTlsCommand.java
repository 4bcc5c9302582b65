package dev.mailgate.inbound;

/**
 * STARTTLS (RFC 3207). Whatever the client sent after the STARTTLS line in plaintext is thrown away,
 * never executed under TLS (CVE-2011-0411 class); after the handshake the session starts over.
 */
final class StartTlsCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        if (session.tlsActive()) {
            session.refuse("503 5.5.1 TLS already active");
        } else if (!argument.isBlank()) {
            session.refuse("501 5.5.4 Syntax: STARTTLS (no parameters)");
        } else {
            session.reply("220 2.0.0 Ready to start TLS");
            session.beginTls();
        }
    }

    @Override
    public boolean allowedBeforeTls() {
        return true;
    }
}
