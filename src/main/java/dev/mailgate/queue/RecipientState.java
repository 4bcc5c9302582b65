package dev.mailgate.queue;

import java.util.Locale;

/** Delivery state of one recipient. Stored lower-case, as the API shows it. */
public enum RecipientState {
    QUEUED,
    DEFERRED,
    DELIVERED,
    BOUNCED,
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
