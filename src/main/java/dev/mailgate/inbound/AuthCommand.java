package dev.mailgate.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** AUTH mechanism [initial-response] (RFC 4954): once per session, outside a mail transaction, only under TLS. */
final class AuthCommand implements Command {

    @Override
    public void execute(String argument, SmtpServerSession session) {
        if (!session.extended()) {
            session.refuse("503 5.5.1 Send EHLO first");
            return;
        }
        if (session.identity() != null) {
            session.refuse("503 5.5.1 Already authenticated");
            return;
        }
        if (session.transaction() != null) {
            session.refuse("503 5.5.1 AUTH not permitted during a mail transaction");
            return;
        }
        String[] words = argument.trim().split(" +");
        if (words[0].isEmpty() || words.length > 2) {
            session.refuse("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
            return;
        }
        SaslMechanism mechanism = SaslMechanisms.create(words[0]);
        if (mechanism == null) {
            session.refuse("504 5.5.4 Unrecognized authentication type");
            return;
        }
        byte[] initialResponse = null;
        if (words.length == 2) {
            initialResponse = decode(words[1]);
            if (initialResponse == null) {
                session.refuse("501 5.5.2 Invalid base64 data");
                return;
            }
        }
        session.beginAuth(mechanism, initialResponse);
    }

    @Override
    public boolean longLine() {
        return true;
    }

    /** A SASL response: base64, or "=" for an empty one (RFC 4954 §4). Null when not valid base64. */
    static byte[] decode(String text) {
        if (text.equals("=")) {
            return new byte[0];
        }
        if (text.length() % 4 != 0) {
            return null; // the basic decoder tolerates missing padding; RFC 4648 data always has it
        }
        try {
            return Base64.getDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
