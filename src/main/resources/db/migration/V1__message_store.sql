-- The message store: every accepted message with its exact bytes, one row per recipient
-- carrying its own delivery state, the attempts made, audit events and idempotency keys.

CREATE TABLE message (
    id              uuid PRIMARY KEY,
    received_at     timestamptz NOT NULL,
    principal       text        NOT NULL,
    client_address  text        NOT NULL,
    door            text        NOT NULL CHECK (door IN ('587', '465', 'api')),
    envelope_sender text        NOT NULL,          -- '' is the null reverse-path <>
    size            bigint      NOT NULL CHECK (size >= 0),
    raw             bytea       NOT NULL,          -- exactly as accepted, trace header included
    message_id      text,
    body_type       text,                          -- RFC 1652 BODY= as given
    smtputf8        boolean     NOT NULL DEFAULT false,
    dsn_ret         text CHECK (dsn_ret IN ('FULL', 'HDRS')),
    dsn_envid       text
);

CREATE INDEX message_principal_received ON message (principal, received_at);

-- Sequences step by 50 so Hibernate's pooled optimizer hands out ids without a round trip per row.
CREATE SEQUENCE recipient_seq INCREMENT BY 50;
CREATE SEQUENCE delivery_attempt_seq INCREMENT BY 50;
CREATE SEQUENCE audit_event_seq INCREMENT BY 50;

CREATE TABLE recipient (
    id              bigint      PRIMARY KEY DEFAULT nextval('recipient_seq'),
    message_id      uuid        NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    address         text        NOT NULL,
    domain          text        NOT NULL,
    state           text        NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'deferred', 'delivered', 'bounced', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_reply      text,
    dsn_notify      text,                          -- RFC 3461 NOTIFY= as given
    dsn_orcpt       text,                          -- RFC 3461 ORCPT= as given
    claimed_by      text,
    claimed_until   timestamptz,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX recipient_message ON recipient (message_id);
-- What workers scan: only rows still to deliver, by due time.
CREATE INDEX recipient_due ON recipient (next_attempt_at) WHERE state IN ('queued', 'deferred');

CREATE TABLE delivery_attempt (
    id              bigint      PRIMARY KEY DEFAULT nextval('delivery_attempt_seq'),
    recipient_id    bigint      NOT NULL REFERENCES recipient (id) ON DELETE CASCADE,
    attempted_at    timestamptz NOT NULL,
    mx_host         text,
    remote_reply    text,
    tls             text,                          -- e.g. 'TLSv1.3 TLS_AES_256_GCM_SHA384', NULL when plaintext
    outcome         text        NOT NULL CHECK (outcome IN ('delivered', 'deferred', 'bounced', 'failed'))
);

CREATE INDEX delivery_attempt_recipient ON delivery_attempt (recipient_id);

CREATE TABLE audit_event (
    id              bigint      PRIMARY KEY DEFAULT nextval('audit_event_seq'),
    occurred_at     timestamptz NOT NULL,
    type            text        NOT NULL,
    principal       text,
    client_address  text,
    door            text,
    message_id      uuid,
    detail          text
);

CREATE INDEX audit_event_time ON audit_event (occurred_at);
CREATE INDEX audit_event_principal ON audit_event (principal, occurred_at);

CREATE TABLE idempotency_key (
    principal       text        NOT NULL,
    key             text        NOT NULL,
    request_hash    text        NOT NULL,
    message_id      uuid        REFERENCES message (id) ON DELETE CASCADE,
    response        text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (principal, key)
);
