-- Deskport schema, version 32: published applications (RemoteApp-style) on SHARED pools.
-- Owned by the hosts module (like shared_pool_session_settings): an application is something the pool's
-- session-host agents start, in a session without a desktop shell, for the pool's entitled users.

create table published_application (
    id                 uuid primary key,
    tenant_id          uuid not null,
    pool_id            uuid not null,
    name               text not null check (length(name) between 1 and 100),
    -- the program (a path or a name found on the session's PATH) and its arguments: run directly, no shell
    command            text not null check (length(command) between 1 and 1000),
    arguments          jsonb not null default '[]' check (jsonb_typeof(arguments) = 'array'),
    working_directory  text check (working_directory is null or working_directory like '/%'),
    -- a small PNG or SVG as a data URL (validated by the broker), or null
    icon               text check (icon is null or length(icon) <= 70000),
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    version            bigint not null default 1,
    unique (tenant_id, id),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade
);
-- one name per pool, whatever its case
create unique index published_application_name on published_application(pool_id, lower(name));
create index published_application_by_tenant on published_application(tenant_id, pool_id);

-- The agent is asked to start an application inside a user's session (created without a desktop shell when the
-- application started it).
alter table session_host_command drop constraint session_host_command_kind_check;
alter table session_host_command add constraint session_host_command_kind_check
    check (kind in ('CREATE_SESSION', 'LOGOFF_SESSION', 'LAUNCH_APPLICATION'));
