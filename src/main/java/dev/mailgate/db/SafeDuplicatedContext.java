package dev.mailgate.db;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Hibernate Reactive keeps its session on a Vert.x duplicated context that Quarkus has marked safe.
 * HTTP requests get one for free; SMTP sockets, schedulers and tests do not. Every store operation
 * therefore runs its work on a fresh safe duplicated context, wherever the caller is.
 */
public final class SafeDuplicatedContext {

    private SafeDuplicatedContext() {}

    public static <T> Uni<T> run(Vertx vertx, Supplier<Uni<T>> work) {
        Context current = Vertx.currentContext();
        if (current != null
                && VertxContext.isDuplicatedContext(current)
                && VertxContextSafetyToggle.isExplicitlyMarkedAsSafe(current)) {
            return Uni.createFrom().deferred(work::get);
        }
        Context base = current != null ? current : vertx.getOrCreateContext();
        Context duplicated = VertxContext.createNewDuplicatedContext(base);
        VertxContextSafetyToggle.setContextSafe(duplicated, true);
        return Uni.createFrom()
                .emitter(emitter -> duplicated.runOnContext(ignored -> {
                    try {
                        work.get().subscribe().with(emitter::complete, emitter::fail);
                    } catch (RuntimeException e) {
                        emitter.fail(e);
                    }
                }));
    }
}
