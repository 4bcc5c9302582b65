package dev.mailgate.queue;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One accepted message: who sent it, from where, through which door, and its exact bytes. */
@Entity
@Table(name = "message")
public class MessageEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(nullable = false)
    public String principal;

    @Column(name = "client_address", nullable = false)
    public String clientAddress;

    /** 587, 465 or api. */
    @Column(nullable = false)
    public String door;

    @Column(name = "envelope_sender", nullable = false)
    public String envelopeSender;

    @Column(nullable = false)
    public long size;

    @Column(nullable = false)
    public byte[] raw;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "body_type")
    public String bodyType;

    @Column(nullable = false)
    public boolean smtputf8;

    @Column(name = "dsn_ret")
    public String dsnRet;

    @Column(name = "dsn_envid")
    public String dsnEnvid;
}
