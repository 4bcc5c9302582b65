package dev.mailgate.mail;

/**
 * Which way a message came in. The stored value is the label, kept as it always was ("587", "465", "api",
 * "dsn") although the SMTP ports are configurable: it names the kind of door, not the port it listens on.
 */
public enum Door {
    /** SMTP submission with STARTTLS (RFC 6409, port 587 by default). */
    SMTP_STARTTLS("587"),
    /** SMTP submission over implicit TLS (RFC 8314, port 465 by default). */
    SMTP_IMPLICIT_TLS("465"),
    /** The HTTPS send API. */
    API("api"),
    /** A delivery status notification mailgate wrote itself (sender {@code <>}). */
    DSN("dsn");

    private final String label;

    Door(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
