package dev.mailgate.outbound;

/** What happened to one recipient in one attempt. */
public record RecipientResult(String address, Kind kind, String reply, String status) {

    public enum Kind {
        DELIVERED,
        TEMPORARY,
        PERMANENT
    }

    public static RecipientResult of(String address, SmtpReply reply) {
        Kind kind = reply.positive() ? Kind.DELIVERED : reply.transientNegative() ? Kind.TEMPORARY : Kind.PERMANENT;
        return new RecipientResult(address, kind, reply.text(), reply.dsnStatus());
    }
}
