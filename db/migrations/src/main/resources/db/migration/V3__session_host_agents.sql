-- Deskport schema, version 3: session-host agents.
-- An agent enrols with a one-time token, then authenticates every call with a per-host credential;
-- the broker hands it commands (create / log off a desktop session) through a queue the agent
-- long-polls, and the agent reports each session's console address and state back.

alter table session_host
    -- true: an agent on the host creates a desktop session per user; false: the host was registered by
    -- its one console address (as before agents) and sessions are READY at once
    add column agent_managed          boolean not null default false,
    -- what the agent registered
    add column agent_address          text,
    add column agent_os               text,
    add column agent_version          text,
    add column cpu_count              integer check (cpu_count > 0),
    add column memory_mb              bigint check (memory_mb >= 0),
    -- SHA-256 of the per-host credential secret; null = none issued or revoked
    add column credential_hash        bytea,
    add column credential_issued_at   timestamptz,
    add column revoked_at             timestamptz,
    -- the last heartbeat and the load it reported
    add column last_heartbeat_at      timestamptz,
    add column load_cpu_percent       real,
    add column load_memory_used_mb    bigint,
    add column reported_sessions      integer,
    -- single-session mode (agent inside a VDI desktop): the user logged on to it now, if any
    add column logged_on_user         text,
    add column logged_on_at           timestamptz;

-- Heartbeat watch: agent hosts that are reporting.
create index session_host_heartbeats on session_host(last_heartbeat_at) where agent_managed and state = 'AVAILABLE';

-- One-time enrolment tokens (only their SHA-256 is kept). Used once, then never again.
create table session_host_enrolment (
    token_hash  bytea primary key,
    tenant_id   uuid not null,
    host_id     uuid not null,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    foreign key (tenant_id, host_id) references session_host(tenant_id, id) on delete cascade
);
create index session_host_enrolment_by_host on session_host_enrolment(host_id);

-- Commands for a host's agent, delivered at least once (the agent acts idempotently and acknowledges).
create table session_host_command (
    id            bigint generated always as identity primary key,
    tenant_id     uuid not null,
    host_id       uuid not null,
    session_id    uuid not null,
    kind          text not null check (kind in ('CREATE_SESSION', 'LOGOFF_SESSION')),
    payload       jsonb not null default '{}',
    created_at    timestamptz not null default now(),
    delivered_at  timestamptz,
    deliveries    integer not null default 0,
    foreign key (tenant_id, host_id) references session_host(tenant_id, id) on delete cascade
);
create index session_host_command_pending on session_host_command(host_id, id);

-- Per-pool settings of the desktop sessions agents create (SHARED pools).
create table shared_pool_session_settings (
    pool_id          uuid primary key,
    tenant_id        uuid not null,
    desktop_command  text,
    updated_at       timestamptz not null default now(),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade
);

-- A session on an agent host has a console of its own (its Xvnc display): kept on the session row,
-- server-side only, for the tunnel.
alter table session
    add column console_host     text,
    add column console_port     integer check (console_port between 1 and 65535),
    add column console_password text;

-- A desktop session can end by itself on its host (the user logged off inside it, or it died).
alter table session drop constraint session_end_reason_check;
alter table session add constraint session_end_reason_check check (end_reason in ('LOGOFF', 'ADMIN_LOGOFF',
    'DISCONNECT_TIMEOUT', 'IDLE_TIMEOUT', 'MAX_SESSION_LENGTH', 'PROVISIONING_FAILED', 'HOST_LOST',
    'RESOURCE_REMOVED', 'SESSION_EXITED'));
