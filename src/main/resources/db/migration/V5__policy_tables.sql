-- Abuse controls shared by every mailgate instance on this database.

-- Authentication failures, one row per failure and scope ('address' = client IP, 'principal' = the
-- user name the client claimed). Sliding windows count rows newer than now() - window.
CREATE TABLE policy_auth_failure (
    id              bigserial   PRIMARY KEY,
    scope           text        NOT NULL CHECK (scope IN ('address', 'principal')),
    subject         text        NOT NULL,
    client_address  text        NOT NULL,
    failed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX policy_auth_failure_subject ON policy_auth_failure (scope, subject, failed_at);
CREATE INDEX policy_auth_failure_time ON policy_auth_failure (failed_at);

-- Active lockouts: an address, or a principal (which then holds only for addresses that failed for it).
CREATE TABLE policy_lockout (
    scope           text        NOT NULL CHECK (scope IN ('address', 'principal')),
    subject         text        NOT NULL,
    locked_until    timestamptz NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- Per-principal sending counters in fixed windows (minute/hour/day), incremented atomically with
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING by whichever instance accepts the message.
CREATE TABLE policy_rate_counter (
    principal       text        NOT NULL,
    kind            text        NOT NULL,   -- e.g. messages/PT1M, recipients/PT1H
    window_start    timestamptz NOT NULL,
    used            integer     NOT NULL,
    PRIMARY KEY (principal, kind, window_start)
);
CREATE INDEX policy_rate_counter_window ON policy_rate_counter (window_start);

CREATE INDEX audit_event_client ON audit_event (client_address, occurred_at);
CREATE INDEX audit_event_type ON audit_event (type, occurred_at);
