package dev.mailgate.inbound;

import dev.mailgate.mail.EnvelopeRecipient;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** RCPT TO:&lt;addr&gt; [NOTIFY=NEVER|SUCCESS,FAILURE,DELAY] [ORCPT=type;xtext] (RFC 5321, RFC 3461). */
final class RcptCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        if (!session.requireAuthenticated()) {
            return;
        }
        Transaction transaction = session.transaction();
        if (transaction == null) {
            session.refuse("503 5.5.1 Need MAIL command first");
            return;
        }
        if (transaction.chunks != null) {
            session.refuse("503 5.5.1 Recipients must come before BDAT");
            return;
        }
        if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
            session.refuse("501 5.5.4 Syntax: RCPT TO:<address> [parameters]");
            return;
        }
        String[] path = Addresses.splitPath(argument.substring(3));
        if (path == null || !Addresses.isMailbox(path[0])) {
            session.refuse("501 5.1.3 Bad recipient address syntax");
            return;
        }
        String address = path[0];
        Map<String, String> params = EsmtpParameters.parse(path[1]);
        if (params == null) {
            session.refuse("501 5.5.4 Syntax error in parameters");
            return;
        }
        Optional<String> notify = Optional.empty();
        Optional<String> orcpt = Optional.empty();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            if (p.getKey().equals("NOTIFY")) {
                if (value == null || !validNotify(value.toUpperCase(Locale.ROOT))) {
                    session.refuse("501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY");
                    return;
                }
                notify = Optional.of(value.toUpperCase(Locale.ROOT));
            } else if (p.getKey().equals("ORCPT")) {
                int semicolon = value == null ? -1 : value.indexOf(';');
                if (semicolon <= 0
                        || semicolon == value.length() - 1
                        || !EsmtpParameters.isXtext(value.substring(semicolon + 1))) {
                    session.refuse("501 5.5.4 Syntax: ORCPT=addr-type;xtext");
                    return;
                }
                orcpt = Optional.of(value);
            } else {
                session.refuse("555 5.5.4 Unsupported parameter " + p.getKey());
                return;
            }
        }
        if (!transaction.smtpUtf8 && !Addresses.isAscii(address)) {
            session.refuse("553 5.6.7 Non-ASCII address requires SMTPUTF8");
            return;
        }
        if (transaction.hasRecipient(address)) {
            // A duplicate would be delivered twice; accepting it again is harmless and what clients expect.
            session.reply("250 2.1.5 Recipient <" + address + "> OK");
            return;
        }
        if (transaction.recipients.size() >= session.settings().maxRecipients()) {
            session.refuse("452 4.5.3 Too many recipients");
            return;
        }
        transaction.recipients.add(new EnvelopeRecipient(address, notify, orcpt));
        session.reply("250 2.1.5 Recipient <" + address + "> OK");
    }

    /** NEVER alone, or a non-empty list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1). */
    static boolean validNotify(String value) {
        if (value.equals("NEVER")) {
            return true;
        }
        String[] items = value.split(",", -1);
        for (String item : items) {
            if (!item.equals("SUCCESS") && !item.equals("FAILURE") && !item.equals("DELAY")) {
                return false;
            }
        }
        return true;
    }
}
