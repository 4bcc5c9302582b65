package dev.mailgate.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * "Not locked out" answers that PostgreSQL gave a moment ago, so that a busy client address does not
 * cost two lockout queries per session. Only the clear answer is kept, for {@code ttlMillis}; a lockout
 * is always read from the database. Any failure recorded by this instance forgets everything, so its
 * own lockouts apply at once; a lockout set by another instance applies here within {@code ttlMillis}.
 */
final class NotLockedOutCache {

    static final int MAX_ENTRIES = 10_000;

    private final Map<String, Long> clearUntil = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final LongSupplier clock;

    NotLockedOutCache(long ttlMillis, LongSupplier clock) {
        this.ttlMillis = ttlMillis;
        this.clock = clock;
    }

    boolean holds(String key) {
        Long until = clearUntil.get(key);
        return until != null && until > clock.getAsLong();
    }

    void remember(String key) {
        if (clearUntil.size() >= MAX_ENTRIES) {
            clearUntil.clear();
        }
        clearUntil.put(key, clock.getAsLong() + ttlMillis);
    }

    void forgetAll() {
        clearUntil.clear();
    }
}
