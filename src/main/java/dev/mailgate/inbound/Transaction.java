package dev.mailgate.inbound;

import dev.mailgate.mail.EnvelopeRecipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One mail transaction, from an accepted MAIL to the end of its message (or RSET). */
final class Transaction {
    final String sender;
    final Optional<String> body;
    final boolean smtpUtf8;
    final Optional<String> ret;
    final Optional<String> envid;
    final List<EnvelopeRecipient> recipients = new ArrayList<>();
    /** Set by the first BDAT: the message then continues in chunks and DATA is out of order. */
    MessageCollector chunks;

    Transaction(String sender, Optional<String> body, boolean smtpUtf8, Optional<String> ret, Optional<String> envid) {
        this.sender = sender;
        this.body = body;
        this.smtpUtf8 = smtpUtf8;
        this.ret = ret;
        this.envid = envid;
    }

    boolean hasRecipient(String address) {
        return recipients.stream().anyMatch(r -> r.address().equalsIgnoreCase(address));
    }
}
