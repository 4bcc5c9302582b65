package dev.mailgate.inbound;

/** DATA (RFC 5321 §4.1.1.4): switches the framer to dot-stuffed content until CRLF "." CRLF. */
final class DataCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        if (!session.requireAuthenticated()) {
            return;
        }
        Transaction transaction = session.transaction();
        if (transaction == null) {
            session.refuse("503 5.5.1 Need MAIL command first");
        } else if (transaction.chunks != null) {
            session.refuse("503 5.5.1 DATA not allowed after BDAT");
        } else if (!argument.isBlank()) {
            session.refuse("501 5.5.4 Syntax: DATA (no parameters)");
        } else if (transaction.recipients.isEmpty()) {
            session.refuse("554 5.5.1 No valid recipients");
        } else {
            session.reply("354 End data with <CR><LF>.<CR><LF>");
            session.beginData();
        }
    }
}
