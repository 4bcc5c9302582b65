package dev.mailgate.inbound;

/** The small verbs: RSET, NOOP, QUIT, VRFY, HELP. */
final class SimpleCommands {
    private SimpleCommands() {}

    static final class Rset implements Command {
        @Override
        public void execute(String argument, SmtpServerSession session) {
            session.setTransaction(null);
            session.reply("250 2.0.0 Flushed");
        }

        @Override
        public boolean allowedBeforeTls() {
            return true;
        }
    }

    static final class Noop implements Command {
        @Override
        public void execute(String argument, SmtpServerSession session) {
            session.reply("250 2.0.0 OK");
        }

        @Override
        public boolean allowedBeforeTls() {
            return true;
        }
    }

    static final class Quit implements Command {
        @Override
        public void execute(String argument, SmtpServerSession session) {
            session.reply("221 2.0.0 Bye");
            session.close();
        }

        @Override
        public boolean allowedBeforeTls() {
            return true;
        }
    }

    /** RFC 5321 §3.5.3: 252 rather than confirming or denying mailboxes. */
    static final class Vrfy implements Command {
        @Override
        public void execute(String argument, SmtpServerSession session) {
            session.reply("252 2.5.0 Cannot VRFY user, but will accept message");
        }

        @Override
        public boolean allowedBeforeTls() {
            return true;
        }
    }

    static final class Help implements Command {
        @Override
        public void execute(String argument, SmtpServerSession session) {
            session.reply("214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP");
        }

        @Override
        public boolean allowedBeforeTls() {
            return true;
        }
    }
}
