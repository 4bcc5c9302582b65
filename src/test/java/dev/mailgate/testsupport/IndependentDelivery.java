package dev.mailgate.testsupport;

import dev.mailgate.budget.ContentBudget;
import dev.mailgate.outbound.DeliveryEngine;
import dev.mailgate.outbound.DeliveryEngineFactory;
import dev.mailgate.outbound.FreshMessages;
import dev.mailgate.queue.DeliveryLedger;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A delivery worker pool as a second mailgate instance would run it: its own database pool and
 * connections, and no copies of messages committed elsewhere. Not started; the caller stops it.
 */
public final class IndependentDelivery {

    private IndependentDelivery() {}

    public static DeliveryEngine engine(
            DeliveryEngineFactory engines, ContentBudget budget, Pool ownPool, String workerId, int workers) {
        return engines.create(new DeliveryLedger(ownPool), new FreshMessages(budget), workerId, workers);
    }
}
