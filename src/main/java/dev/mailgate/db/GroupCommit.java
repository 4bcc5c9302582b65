package dev.mailgate.db;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Group commit: what callers submit while earlier groups are being written waits and goes into the
 * next group, so one transaction (one WAL flush) commits many messages. A caller alone is written at
 * once; under load the groups grow by themselves up to {@code maxItems} or {@code maxBytes}. At most
 * {@code maxInFlight} groups are written at a time. Each caller is answered on its own Vert.x context,
 * and only after its group's writer has completed.
 *
 * <p>If a group of several fails, each of its items is written again alone, so that one bad item (or
 * a deadlock victim) never refuses the others.
 */
public final class GroupCommit<T, R> {

    private record Pending<T, R>(T item, UniEmitter<? super R> emitter, Context context) {}

    private final ConcurrentLinkedQueue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Function<List<T>, Uni<List<R>>> writer;
    private final ToLongFunction<T> size;
    private final int maxItems;
    private final long maxBytes;
    private final int maxInFlight;

    /** {@code writer} commits a group and answers one result per item, in order. */
    public GroupCommit(
            Function<List<T>, Uni<List<R>>> writer,
            ToLongFunction<T> size,
            int maxItems,
            long maxBytes,
            int maxInFlight) {
        this.writer = writer;
        this.size = size;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
    }

    /** Completes with the item's result once the group holding it has been committed. */
    public Uni<R> submit(T item) {
        return Uni.createFrom().emitter(emitter -> {
            waiting.add(new Pending<>(item, emitter, Vertx.currentContext()));
            drain();
        });
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return; // a running group drains again when it ends
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Pending<T, R>> group = take();
            if (group.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            write(group);
        }
    }

    /** Synchronized: between peek and poll another drainer must not take the item looked at. */
    private synchronized List<Pending<T, R>> take() {
        List<Pending<T, R>> group = new ArrayList<>();
        long bytes = 0;
        Pending<T, R> next;
        while (group.size() < maxItems && (next = waiting.peek()) != null) {
            long itemBytes = size.applyAsLong(next.item());
            if (!group.isEmpty() && bytes + itemBytes > maxBytes) {
                break;
            }
            group.add(waiting.poll());
            bytes += itemBytes;
        }
        return group;
    }

    private void write(List<Pending<T, R>> group) {
        List<T> items = group.stream().map(Pending::item).toList();
        Uni<List<R>> written = Uni.createFrom().deferred(() -> writer.apply(items));
        if (group.size() > 1) {
            written = written.onFailure().recoverWithUni(failure -> one(items, 0, new ArrayList<>(items.size())));
        }
        written.subscribe()
                .with(
                        results -> {
                            for (int i = 0; i < group.size(); i++) {
                                answer(group.get(i), results.get(i), null);
                            }
                            finished();
                        },
                        failure -> {
                            group.forEach(p -> answer(p, null, failure));
                            finished();
                        });
    }

    /** The fallback after a failed group: items alone, in order; each gets its own result or failure. */
    private Uni<List<R>> one(List<T> items, int i, List<Object> results) {
        if (i == items.size()) {
            @SuppressWarnings("unchecked")
            List<R> done = (List<R>) (List<?>) results;
            return Uni.createFrom().item(done);
        }
        return Uni.createFrom()
                .deferred(() -> writer.apply(List.of(items.get(i))))
                .map(r -> (Object) r.get(0))
                .onFailure()
                .recoverWithItem(f -> new Failed(f))
                .chain(r -> {
                    results.add(r);
                    return one(items, i + 1, results);
                });
    }

    private record Failed(Throwable failure) {}

    private void finished() {
        inFlight.decrementAndGet();
        drain();
    }

    @SuppressWarnings("unchecked")
    private void answer(Pending<T, R> pending, Object result, Throwable failure) {
        Runnable reply = () -> {
            if (failure != null) {
                pending.emitter().fail(failure);
            } else if (result instanceof Failed) {
                pending.emitter().fail(((Failed) result).failure());
            } else {
                pending.emitter().complete((R) result);
            }
        };
        if (pending.context() != null) {
            pending.context().runOnContext(ignored -> reply.run());
        } else {
            reply.run();
        }
    }
}
