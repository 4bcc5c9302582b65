package dev.mailgate.inbound;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.mail.Door;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Facts about one connection that the session cannot know by itself.
 *
 * @param clientAddress the peer IP as text ({@code 203.0.113.5} or {@code 2001:db8::1})
 * @param door          which listener accepted the connection
 * @param clock         time source for the Received header date
 * @param ids           supplies the message id put into the Received header and the Submit action
 * @param tls           for implicit-TLS (465) sessions: the handshake already done before {@code start()}
 * @param budget        the heap all sessions of this instance may fill with message content
 */
public record SessionContext(
        String clientAddress, Door door, Clock clock, Supplier<UUID> ids, Optional<TlsInfo> tls, ContentBudget budget) {

    public static SessionContext of(
            String clientAddress, Door door, Clock clock, Supplier<UUID> ids, ContentBudget budget) {
        return new SessionContext(clientAddress, door, clock, ids, Optional.empty(), budget);
    }

    public SessionContext withTls(TlsInfo info) {
        return new SessionContext(clientAddress, door, clock, ids, Optional.of(info), budget);
    }
}
