-- Deskport schema, version 1: tenancy, pools, desktops, session hosts, sessions, audit.
-- Every business table carries tenant_id; every cross-table reference stays inside one tenant.
-- State machines are enforced twice: CHECK constraints list the legal states, and the code moves
-- between them with conditional updates (UPDATE ... WHERE state = ...).

create table tenant (
    id                      uuid primary key,
    slug                    text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name                    text not null,
    max_concurrent_sessions integer not null check (max_concurrent_sessions >= 0),
    max_desktops            integer not null check (max_desktops >= 0),
    -- live (non-ended) sessions; moved only together with session rows, in the same transaction
    active_sessions         integer not null default 0 check (active_sessions >= 0),
    desktop_count           integer not null default 0 check (desktop_count >= 0),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now()
);

create table app_user (
    id            uuid primary key,
    tenant_id     uuid not null references tenant(id) on delete cascade,
    username      text not null check (username ~ '^[A-Za-z0-9._@-]{1,128}$'),
    display_name  text not null,
    email         text,
    password_hash text,
    roles         text[] not null default '{USER}',
    enabled       boolean not null default true,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    unique (tenant_id, username),
    unique (tenant_id, id)
);

create table user_group (
    id          uuid primary key,
    tenant_id   uuid not null references tenant(id) on delete cascade,
    name        text not null,
    description text not null default '',
    created_at  timestamptz not null default now(),
    unique (tenant_id, name),
    unique (tenant_id, id)
);

create table group_member (
    tenant_id uuid not null,
    group_id  uuid not null,
    user_id   uuid not null,
    primary key (group_id, user_id),
    foreign key (tenant_id, group_id) references user_group(tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references app_user(tenant_id, id) on delete cascade
);
create index group_member_user on group_member(user_id);

create table desktop_pool (
    id                     uuid primary key,
    tenant_id              uuid not null references tenant(id) on delete cascade,
    name                   text not null,
    description            text not null default '',
    kind                   text not null check (kind in ('PERSISTENT', 'POOLED', 'SHARED')),
    enabled                boolean not null default true,
    load_balancing         text not null default 'BREADTH_FIRST' check (load_balancing in ('BREADTH_FIRST', 'DEPTH_FIRST')),
    idle_timeout_s         integer check (idle_timeout_s > 0),
    idle_action            text not null default 'DISCONNECT' check (idle_action in ('DISCONNECT', 'LOGOFF')),
    disconnect_timeout_s   integer check (disconnect_timeout_s > 0),
    max_session_s          integer check (max_session_s > 0),
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    unique (tenant_id, name),
    unique (tenant_id, id)
);

create table entitlement (
    id         uuid primary key,
    tenant_id  uuid not null,
    pool_id    uuid not null,
    user_id    uuid,
    group_id   uuid,
    created_at timestamptz not null default now(),
    check ((user_id is null) <> (group_id is null)),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references app_user(tenant_id, id) on delete cascade,
    foreign key (tenant_id, group_id) references user_group(tenant_id, id) on delete cascade
);
create unique index entitlement_pool_user on entitlement(pool_id, user_id) where user_id is not null;
create unique index entitlement_pool_group on entitlement(pool_id, group_id) where group_id is not null;
create index entitlement_user on entitlement(user_id) where user_id is not null;
create index entitlement_group on entitlement(group_id) where group_id is not null;

-- A desktop: one machine of a PERSISTENT or POOLED pool.
create table desktop (
    id                uuid primary key,
    tenant_id         uuid not null,
    pool_id           uuid not null,
    name              text not null,
    state             text not null check (state in ('PROVISIONING', 'STOPPED', 'STARTING', 'READY', 'IN_USE',
                                                     'REFRESHING', 'MAINTENANCE', 'FAILED', 'DELETING')),
    -- PERSISTENT: the owner, kept across sessions. POOLED: the user of the current session.
    assigned_user_id  uuid,
    console_host      text,
    console_port      integer check (console_port between 1 and 65535),
    console_password  text,
    -- true when provisioning created the machine (refreshed after pooled use); false when an admin
    -- registered an existing machine (returned as it is)
    managed           boolean not null default false,
    failure_reason    text,
    created_at        timestamptz not null default now(),
    state_changed_at  timestamptz not null default now(),
    unique (tenant_id, id),
    unique (pool_id, name),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade,
    foreign key (tenant_id, assigned_user_id) references app_user(tenant_id, id) on delete set null (assigned_user_id)
);
-- at most one desktop per user per pool: a persistent user owns one machine, a pooled user uses one
create unique index desktop_one_per_user_per_pool on desktop(pool_id, assigned_user_id) where assigned_user_id is not null;
-- the claim path: free ready desktops of a pool
create index desktop_claimable on desktop(pool_id, id) where state = 'READY' and assigned_user_id is null;

-- A session host: a multi-user machine of a SHARED pool.
create table session_host (
    id               uuid primary key,
    tenant_id        uuid not null,
    pool_id          uuid not null,
    name             text not null,
    state            text not null check (state in ('REGISTERED', 'AVAILABLE', 'UNREACHABLE', 'REMOVED')),
    draining         boolean not null default false,
    max_sessions     integer not null check (max_sessions > 0),
    -- live sessions placed on this host; moved only together with session rows
    active_sessions  integer not null default 0 check (active_sessions >= 0),
    console_host     text,
    console_port     integer check (console_port between 1 and 65535),
    console_password text,
    created_at       timestamptz not null default now(),
    state_changed_at timestamptz not null default now(),
    unique (tenant_id, id),
    unique (pool_id, name),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade
);
create index session_host_placeable on session_host(pool_id, active_sessions) where state = 'AVAILABLE' and not draining;

create table session (
    id               uuid primary key,
    tenant_id        uuid not null,
    pool_id          uuid not null,
    user_id          uuid not null,
    desktop_id       uuid,
    session_host_id  uuid,
    state            text not null check (state in ('PREPARING', 'READY', 'CONNECTED', 'DISCONNECTED', 'ENDED')),
    end_reason       text check (end_reason in ('LOGOFF', 'ADMIN_LOGOFF', 'DISCONNECT_TIMEOUT', 'IDLE_TIMEOUT',
                                                'MAX_SESSION_LENGTH', 'PROVISIONING_FAILED', 'HOST_LOST',
                                                'RESOURCE_REMOVED')),
    client_address   text,
    created_at       timestamptz not null default now(),
    state_changed_at timestamptz not null default now(),
    connected_at     timestamptz,
    last_activity_at timestamptz,
    ended_at         timestamptz,
    check ((state = 'ENDED') = (end_reason is not null)),
    check (desktop_id is null or session_host_id is null),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references app_user(tenant_id, id) on delete cascade,
    foreign key (tenant_id, desktop_id) references desktop(tenant_id, id) on delete set null (desktop_id),
    foreign key (tenant_id, session_host_id) references session_host(tenant_id, id) on delete set null (session_host_id)
);
-- reconnect is exact: one live session per user per pool, whatever the number of brokers
create unique index session_one_live_per_user_pool on session(pool_id, user_id) where state <> 'ENDED';
-- a desktop carries at most one live session
create unique index session_one_live_per_desktop on session(desktop_id) where state <> 'ENDED' and desktop_id is not null;
create index session_live_by_state on session(state, state_changed_at) where state <> 'ENDED';
create index session_by_user on session(user_id, created_at desc);
create index session_by_tenant on session(tenant_id, created_at desc);

-- Append-only audit trail of admin changes and session transitions.
create table audit_event (
    id          bigint generated always as identity primary key,
    tenant_id   uuid,
    occurred_at timestamptz not null default now(),
    actor_id    uuid,
    actor_name  text not null,
    action      text not null,
    object_type text not null,
    object_id   text,
    details     jsonb not null default '{}'
);
create index audit_by_tenant on audit_event(tenant_id, id desc);
create index audit_by_object on audit_event(object_type, object_id, id desc);

create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_is_append_only();

-- Secrets the broker generates itself (e.g. the token signing key), shared by all replicas.
create table platform_secret (
    name       text primary key,
    value      bytea not null,
    created_at timestamptz not null default now()
);
