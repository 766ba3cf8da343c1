-- Deskport schema, version 31: snapshots of persistent desktops, and the overcommit guard of hypervisor hosts.
-- Provisioning owns every table changed here but usage_interval, metering's, which learns the KEPT state of a
-- snapshot (its snapshot-GB-hours).

-- A host's own overcommit ratios (null: the global deskport.provisioning.*-overcommit), and the real use of its
-- storage: desktop disks are thin, so the storage fills as guests write, whatever was allocated.
alter table hypervisor_host
    add column cpu_overcommit                double precision check (cpu_overcommit > 0),
    add column memory_overcommit             double precision check (memory_overcommit > 0),
    add column storage_overcommit            double precision check (storage_overcommit > 0),
    add column reported_storage_used_mib     bigint check (reported_storage_used_mib >= 0),
    add column reported_storage_available_mib bigint check (reported_storage_available_mib >= 0),
    -- the real use reached the alert threshold at this time (null: below it)
    add column storage_nearly_full_since     timestamptz;

-- A persistent pool's snapshot policy: a scheduled snapshot of every desktop daily at a local time of the
-- tenant's time zone (null: none), the newest N scheduled ones kept, and a quota of snapshot storage per desktop.
alter table pool_provisioning
    add column snapshot_daily_at   time,
    add column snapshot_keep       integer not null default 7 check (snapshot_keep between 1 and 366),
    add column snapshot_quota_mib  bigint check (snapshot_quota_mib > 0);

-- Snapshot operations are tasks of the journal like every hypervisor operation (one open task per desktop).
alter table provisioning_task drop constraint provisioning_task_type_check;
alter table provisioning_task add constraint provisioning_task_type_check check (type in ('CREATE', 'START', 'STOP',
    'REFRESH', 'REPLACE', 'DELETE', 'SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT'));
alter table provisioning_task add column snapshot_id uuid;

-- A desktop's snapshots. CREATING → READY (or FAILED); READY → RESTORING → READY while the desktop is restored to
-- it; READY → DELETING → gone. The hypervisor knows a snapshot by its id.
create table desktop_snapshot (
    id            uuid primary key,
    tenant_id     uuid not null references tenant(id) on delete cascade,
    pool_id       uuid not null,
    desktop_id    uuid not null,
    kind          text not null check (kind in ('SCHEDULED', 'ON_DEMAND')),
    state         text not null check (state in ('CREATING', 'READY', 'RESTORING', 'DELETING', 'FAILED')),
    -- SCHEDULED: the scheduled instant it was taken for (one per desktop and instant)
    scheduled_for timestamptz,
    -- who asked: a username, or "schedule"
    requested_by  text not null,
    -- an API client's Idempotency-Key: asking again with it returns the same snapshot
    request_key   text check (length(request_key) <= 200),
    label         text check (length(label) <= 200),
    -- what it holds on the host's storage (known once taken)
    size_mib      bigint check (size_mib >= 0),
    with_memory   boolean not null default false,
    error         text,
    created_at    timestamptz not null default now(),
    taken_at      timestamptz,
    foreign key (tenant_id, desktop_id) references desktop(tenant_id, id) on delete cascade,
    unique (desktop_id, scheduled_for),
    unique (desktop_id, request_key),
    check ((kind = 'SCHEDULED') = (scheduled_for is not null))
);
create index desktop_snapshot_by_desktop on desktop_snapshot(desktop_id, created_at);
create index desktop_snapshot_by_pool on desktop_snapshot(tenant_id, pool_id);

-- metering: a snapshot is KEPT (with its size as disk_mib) from its creation to its deletion
alter table usage_interval drop constraint usage_interval_state_check;
alter table usage_interval add constraint usage_interval_state_check check (state in ('OPEN', 'CONNECTED', 'ENDED',
    'STOPPED', 'RUNNING', 'DELETED', 'HELD', 'RELEASED', 'KEPT'));
drop index usage_interval_open;
create index usage_interval_open on usage_interval (tenant_id) where end_at is null and state in ('OPEN', 'CONNECTED',
    'STOPPED', 'RUNNING', 'HELD', 'KEPT');
