package dev.mailgate.mail;

/** Which way a message came in. The stored value is the label. */
public enum Door {
    SUBMISSION("587"),
    SUBMISSIONS("465"),
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

    public static Door fromLabel(String label) {
        for (Door d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown door " + label);
    }
}
