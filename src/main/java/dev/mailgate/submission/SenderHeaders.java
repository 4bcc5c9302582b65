package dev.mailgate.submission;

import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * RFC 6409 §8 lets a submission server check the author: every {@code From:} mailbox and the
 * {@code Sender:} mailbox must belong to the authenticated identity, or a phished token could
 * send as anyone. Addresses are parsed with mime4j, not regular expressions.
 */
final class SenderHeaders {

    private SenderHeaders() {}

    /** The refusal for these headers, if any. */
    static Optional<Refusal> check(HeaderSection headers, Identity identity) {
        List<String> from = headers.all("from");
        if (from.isEmpty()) {
            return Optional.of(new Refusal(
                    550, "5.6.0", "Message has no From: header", 422, "https://mailgate.dev/problems/missing-from"));
        }
        if (from.size() > 1) {
            return Optional.of(new Refusal(
                    550,
                    "5.6.0",
                    "Message has more than one From: header",
                    422,
                    "https://mailgate.dev/problems/invalid-header"));
        }
        List<String> authors;
        try {
            authors = addresses(from.get(0));
        } catch (ParseException e) {
            return Optional.of(unparsable("From"));
        }
        if (authors.isEmpty()) {
            return Optional.of(unparsable("From"));
        }
        for (String author : authors) {
            if (!identity.owns(author)) {
                return Optional.of(Refusal.senderNotOwned("From: address", author));
            }
        }
        for (String sender : headers.all("sender")) {
            List<String> senders;
            try {
                senders = addresses(sender);
            } catch (ParseException e) {
                return Optional.of(unparsable("Sender"));
            }
            for (String address : senders) {
                if (!identity.owns(address)) {
                    return Optional.of(Refusal.senderNotOwned("Sender: address", address));
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> addresses(String value) throws ParseException {
        MailboxList list = DefaultAddressParser.DEFAULT.parseAddressList(value).flatten();
        List<String> out = new ArrayList<>();
        for (Mailbox mailbox : list) {
            out.add(mailbox.getAddress());
        }
        return out;
    }

    private static Refusal unparsable(String header) {
        return new Refusal(
                550,
                "5.6.0",
                "Cannot parse the " + header + ": header",
                422,
                "https://mailgate.dev/problems/invalid-header");
    }
}
