package dev.mailgate.outbound;

/** A session-level failure (connect, greeting, TLS, timeout, connection lost): try the next host. */
public final class SessionFailure extends RuntimeException {

    private final boolean permanent;
    private final boolean tlsHandshake;

    public SessionFailure(String message, boolean permanent) {
        this(message, permanent, false);
    }

    public SessionFailure(String message, boolean permanent, boolean tlsHandshake) {
        super(message, null, false, false);
        this.permanent = permanent;
        this.tlsHandshake = tlsHandshake;
    }

    public boolean permanent() {
        return permanent;
    }

    public boolean tlsHandshake() {
        return tlsHandshake;
    }
}
