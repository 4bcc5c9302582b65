package dev.mailgate.queue;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** One try to deliver to one recipient: when, to which host, what it answered, with what TLS. */
@Entity
@Table(name = "delivery_attempt")
public class DeliveryAttemptEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "delivery_attempt_seq")
    @SequenceGenerator(name = "delivery_attempt_seq", sequenceName = "delivery_attempt_seq", allocationSize = 50)
    public Long id;

    @Column(name = "recipient_id", nullable = false)
    public Long recipientId;

    @Column(name = "attempted_at", nullable = false)
    public Instant attemptedAt;

    @Column(name = "mx_host")
    public String mxHost;

    @Column(name = "remote_reply")
    public String remoteReply;

    public String tls;

    /** The state the recipient went to because of this attempt. */
    @Column(nullable = false)
    public RecipientState outcome;
}
