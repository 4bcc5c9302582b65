package dev.mailgate.inbound;

import dev.mailgate.mail.Identity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * MAIL FROM:&lt;addr&gt; [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8] [RET=FULL|HDRS] [ENVID=xtext] [AUTH=...].
 * Submission only (RFC 6409): the sender must be an address the authenticated identity owns.
 */
final class MailCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        if (!session.requireAuthenticated()) {
            return;
        }
        if (session.heloName() == null) {
            session.refuse("503 5.5.1 Send EHLO first");
            return;
        }
        if (session.transaction() != null) {
            session.refuse("503 5.5.1 Sender already specified");
            return;
        }
        if (session.messagesSubmitted() >= session.settings().maxMessagesPerSession()) {
            // Closing (rather than 452 per message) makes the client reconnect, which is what spreads load.
            session.refuse("421 4.7.0 Too many messages in this session, closing connection");
            session.close();
            return;
        }
        if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
            session.refuse("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]");
            return;
        }
        String[] path = Addresses.splitPath(argument.substring(5));
        if (path == null) {
            session.refuse("501 5.1.7 Bad sender address syntax");
            return;
        }
        String sender = path[0];
        if (!sender.isEmpty() && !Addresses.isMailbox(sender)) {
            session.refuse("501 5.1.7 Bad sender address syntax");
            return;
        }
        Map<String, String> params = EsmtpParameters.parse(path[1]);
        if (params == null) {
            session.refuse("501 5.5.4 Syntax error in parameters");
            return;
        }
        if (!params.isEmpty() && !session.extended()) {
            session.refuse("555 5.5.4 Parameters need EHLO");
            return;
        }
        Optional<String> body = Optional.empty();
        Optional<String> ret = Optional.empty();
        Optional<String> envid = Optional.empty();
        boolean smtpUtf8 = false;
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE":
                    if (value == null || !value.matches("[0-9]{1,18}")) {
                        session.refuse("501 5.5.4 Syntax: SIZE=<octets>");
                        return;
                    }
                    if (Long.parseLong(value) > session.settings().maxMessageSize()) {
                        session.refuse(SmtpServerSession.MESSAGE_TOO_LARGE);
                        return;
                    }
                    if (!session.contentFitsNow(Long.parseLong(value))) {
                        session.refuse(
                                SmtpServerSession.INSUFFICIENT_STORAGE); // RFC 1870 §6.2: declared size, no room now
                        return;
                    }
                    break;
                case "BODY":
                    String b = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!b.equals("7BIT") && !b.equals("8BITMIME")) {
                        session.refuse("501 5.5.4 Syntax: BODY=7BIT|8BITMIME");
                        return;
                    }
                    body = Optional.of(b);
                    break;
                case "SMTPUTF8":
                    if (value != null) {
                        session.refuse("501 5.5.4 Syntax: SMTPUTF8 takes no value");
                        return;
                    }
                    smtpUtf8 = true;
                    break;
                case "RET":
                    String r = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!r.equals("FULL") && !r.equals("HDRS")) {
                        session.refuse("501 5.5.4 Syntax: RET=FULL|HDRS");
                        return;
                    }
                    ret = Optional.of(r);
                    break;
                case "ENVID":
                    if (value == null || value.length() > 100 || !EsmtpParameters.isXtext(value)) {
                        session.refuse("501 5.5.4 Syntax: ENVID=<xtext>");
                        return;
                    }
                    envid = Optional.of(value);
                    break;
                case "AUTH":
                    break; // RFC 4954 §5: accepted and ignored; the session identity is what counts
                default:
                    session.refuse("555 5.5.4 Unsupported parameter " + p.getKey());
                    return;
            }
        }
        if (!smtpUtf8 && !Addresses.isAscii(sender)) {
            session.refuse("553 5.6.7 Non-ASCII address requires SMTPUTF8");
            return;
        }
        Identity identity = session.identity();
        if (!identity.maySend()) {
            session.refuse("550 5.7.1 " + identity.principal() + " is not authorized to send mail");
            return;
        }
        if (!identity.owns(sender)) {
            session.refuse("550 5.7.1 Sender address <" + sender + "> is not owned by " + identity.principal());
            return;
        }
        session.setTransaction(new Transaction(sender, body, smtpUtf8, ret, envid));
        session.reply("250 2.1.0 Sender <" + sender + "> OK");
    }
}
