-- Metering: signed webhooks for usage events (the broker's metering module owns these tables).
--
-- A subscription sends every usage event of its tenant (or, with no tenant, of every tenant: the operator's)
-- whose type it asks for to one URL, signed per the Standard Webhooks specification. Delivery reads the usage
-- event log with a cursor of its own per subscription (the same gap-free (tx, seq) order as the export API),
-- so nothing is copied into an outbox per subscription and nothing is skipped.

-- the configuration an admin edits (a Hibernate entity with @Version)
create table webhook_subscription (
    id             uuid        primary key,
    -- null: a platform subscription, sent the events of every tenant
    tenant_id      uuid        references tenant (id) on delete cascade,
    url            text        not null,
    description    text        not null default '',
    -- event codes (session.ended, ...) without the io.deskport. prefix; empty: every type
    event_types    text[]      not null default '{}',
    enabled        boolean     not null default true,
    -- why it is disabled: ADMIN, or FAILING when the relay gave up on it (null while enabled)
    disabled_reason text,
    disabled_at    timestamptz,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        bigint      not null default 0,
    constraint webhook_disabled_reason check (enabled = (disabled_reason is null))
);
create index webhook_subscription_tenant on webhook_subscription (tenant_id, created_at);

-- the signing secrets, apart from the configuration so that no read of a subscription (its entity, its list)
-- can carry them: written and read only by the relay's and the rotation's SQL
create table webhook_secret (
    subscription_id uuid        primary key references webhook_subscription (id) on delete cascade,
    -- the signing key (24 to 64 bytes), AES-GCM encrypted with a platform key (nonce, then ciphertext and tag):
    -- answered once (as whsec_<base64>) by the request that made it, never again, never logged
    secret          bytea       not null,
    -- after a rotation, the previous key signs too (a second signature) until previous_secret_until
    previous_secret bytea,
    previous_secret_until timestamptz,
    rotated_at      timestamptz
);

-- the relay's state of each subscription, apart from the configuration so that deliveries never move the
-- version admins edit from (and an admin's edit never waits for a delivery, nor a delivery for an edit)
create table webhook_delivery (
    subscription_id uuid        primary key references webhook_subscription (id) on delete cascade,
    -- the last event read from the log: every event up to it was delivered or is in webhook_retry
    cursor_tx       xid8        not null,
    cursor_seq      bigint      not null,
    -- the broker delivering it now, and until when its claim holds (an expired lease is anybody's)
    lease_owner     text,
    lease_until     timestamptz,
    -- when the next pass may start (the poll interval while idle; the backoff while the endpoint is failing)
    next_pass_at    timestamptz not null default now(),
    -- since when every attempt failed (null: the last attempt succeeded); the give-up window counts from here
    failing_since   timestamptz,
    -- passes that failed in a row since failing_since (the endpoint's backoff exponent)
    failed_passes   integer     not null default 0,
    last_success_at timestamptz
);
create index webhook_delivery_due on webhook_delivery (next_pass_at);

-- events whose delivery failed while the cursor moved on: retried each on its own backoff
create table webhook_retry (
    subscription_id uuid        not null references webhook_subscription (id) on delete cascade,
    event_tx        xid8        not null,
    event_seq       bigint      not null,
    attempts        integer     not null,
    first_failed_at timestamptz not null,
    next_attempt_at timestamptz not null,
    primary key (subscription_id, event_tx, event_seq)
);
create index webhook_retry_due on webhook_retry (subscription_id, next_attempt_at);

-- a replay an admin asked for: the events from after_* to until_* (inclusive), optionally only those whose
-- time is in [from_time, to_time), sent again with their own webhook-ids; position_* is how far it got
create table webhook_replay (
    id              uuid        primary key,
    subscription_id uuid        not null references webhook_subscription (id) on delete cascade,
    after_tx        xid8        not null,
    after_seq       bigint      not null,
    until_tx        xid8        not null,
    until_seq       bigint      not null,
    from_time       timestamptz,
    to_time         timestamptz,
    position_tx     xid8        not null,
    position_seq    bigint      not null,
    requested_at    timestamptz not null,
    requested_by    text        not null,
    done_at         timestamptz
);
create index webhook_replay_open on webhook_replay (subscription_id, requested_at) where done_at is null;

-- every delivery attempt, written one statement per batch; kept for deskport.metering.webhooks.attempt-retention
create table webhook_attempt (
    id              bigint      generated always as identity primary key,
    subscription_id uuid        not null references webhook_subscription (id) on delete cascade,
    event_seq       bigint      not null,
    event_type      text        not null,
    attempt         integer     not null,
    replay          boolean     not null,
    at              timestamptz not null,
    -- the HTTP status answered, null when none was (refused, timed out, address not allowed)
    status          integer,
    latency_ms      integer     not null,
    succeeded       boolean     not null,
    error           text
);
create index webhook_attempt_subscription on webhook_attempt (subscription_id, id);
create index webhook_attempt_age on webhook_attempt (at);
