-- Live migration for host maintenance (#25). A desktop moving to another hypervisor host is a task of the journal like
-- every hypervisor operation (one open task per desktop, survives a broker restart; the driver's migrate is
-- idempotent: a retried move finds the desktop already there). The source is the task's host_id, the target its
-- target_host_id. A host put into maintenance is drained by the elected broker: running desktops move live, stopped
-- ones cold; free desktops are deleted by the planner as before.
alter table provisioning_task drop constraint provisioning_task_type_check;
alter table provisioning_task add constraint provisioning_task_type_check check (type in ('CREATE', 'START', 'STOP',
    'REFRESH', 'REPLACE', 'DELETE', 'SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT', 'MIGRATE'));
alter table provisioning_task add column target_host_id uuid;
alter table provisioning_task add constraint provisioning_task_migrate_target
    check ((type = 'MIGRATE') = (target_host_id is not null));

-- A pool whose desktops must never share a hypervisor host (e.g. the two desktops of a redundant kiosk pair): the
-- drain's placement keeps them apart.
alter table pool_provisioning add column anti_affinity boolean not null default false;

-- Desktops a drain cannot move, with the reason in an admin's words: recomputed by every drain pass of their host, so
-- a row is current as of last_seen_at; gone once the desktop moved, left the host or the host left maintenance.
create table host_drain_blocked (
    desktop_id    uuid primary key,
    host_id       uuid not null references hypervisor_host(id) on delete cascade,
    tenant_id     uuid not null,
    pool_id       uuid not null,
    reason        text not null check (reason in ('NO_TARGET_HOST', 'NO_HOST_WITH_ROOM', 'ANTI_AFFINITY',
                                                  'MIGRATION_FAILED', 'NOT_SUPPORTED', 'NO_SETTINGS',
                                                  'DESKTOP_FAILED')),
    detail        text not null,
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now()
);
create index host_drain_blocked_host on host_drain_blocked (host_id);

-- provisioning's read model for the tunnel: the desktops moving now (an open MIGRATE task). While its desktop moves,
-- a tunnel whose console went away waits for the new console instead of counting a failure.
create view provisioning_desktop_moves as
    select desktop_id, host_id, target_host_id, created_at from provisioning_task
    where type = 'MIGRATE' and state in ('PENDING', 'RUNNING');
