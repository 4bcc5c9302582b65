package dev.mailgate.outbound;

import io.smallrye.mutiny.Uni;

/** One way out: MX over port 25, a smart host, or a folder. */
public interface Transport {

    /** Delivers one message to the given recipients, all of one domain. Never fails: errors become results. */
    Uni<Attempt> deliver(String domain, OutboundMessage message);

    default void close() {}
}
