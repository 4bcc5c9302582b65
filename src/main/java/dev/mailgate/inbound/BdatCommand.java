package dev.mailgate.inbound;

import java.util.Locale;

/**
 * BDAT size [LAST] (RFC 3030). The chunk's octets always follow the command, so they are consumed
 * even when the command is refused: otherwise message content would be read as commands.
 */
final class BdatCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        String[] words = argument.trim().split(" +");
        if (words.length < 1
                || words.length > 2
                || !words[0].matches("[0-9]{1,18}")
                || (words.length == 2 && !words[1].toUpperCase(Locale.ROOT).equals("LAST"))) {
            // Without a size we cannot know where the chunk ends; nothing better than a syntax error.
            session.refuse("501 5.5.4 Syntax: BDAT size [LAST]");
            return;
        }
        long size = Long.parseLong(words[0]);
        boolean last = words.length == 2;
        Transaction transaction = session.transaction();
        String refusal = null;
        if (!session.tlsActive()) {
            refusal = "530 5.7.0 Must issue a STARTTLS command first";
        } else if (session.identity() == null) {
            refusal = "530 5.7.0 Authentication required";
        } else if (transaction == null) {
            refusal = "503 5.5.1 Need MAIL command first";
        } else if (transaction.recipients.isEmpty()) {
            refusal = "503 5.5.1 Need RCPT command first";
        }
        MessageCollector target = null;
        if (refusal == null) {
            if (transaction.chunks == null) {
                transaction.chunks = session.newCollector();
            }
            target = transaction.chunks;
        }
        session.beginChunk(size, last, target, refusal);
    }

    @Override
    public boolean allowedBeforeTls() {
        return true; // checked above, after the chunk is known, so its octets are still consumed
    }
}
