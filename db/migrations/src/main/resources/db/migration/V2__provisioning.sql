-- Deskport schema, version 2: provisioning — hypervisor hosts, image versions, pool sizing, where
-- managed desktops live, the task journal of hypervisor operations, and what reconciliation found.
--
-- Hypervisor hosts are platform-level (the operator's infrastructure, shared by all tenants); every
-- other table here belongs to a tenant and carries tenant_id.

-- Desktops gain STOPPING: a persistent desktop being powered off by the power policy.
alter table desktop drop constraint desktop_state_check;
alter table desktop add constraint desktop_state_check check (state in ('PROVISIONING', 'STOPPED', 'STARTING',
    'READY', 'IN_USE', 'REFRESHING', 'MAINTENANCE', 'FAILED', 'DELETING', 'STOPPING'));

create table hypervisor_host (
    id                         uuid primary key,
    name                       text not null unique check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    driver_id                  text not null check (driver_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    -- driver settings (e.g. libvirt: uri, storagePool, vncListen); never secrets
    settings                   jsonb not null default '{}',
    -- admin-set capacity; null = as the driver reports it
    cpu_total                  integer check (cpu_total > 0),
    memory_total_mib           bigint check (memory_total_mib > 0),
    storage_total_mib          bigint check (storage_total_mib > 0),
    -- the driver's last inventory
    reported_cpu_total         integer,
    reported_memory_total_mib  bigint,
    reported_storage_total_mib bigint,
    inventory_at               timestamptz,
    simulated                  boolean not null default false,
    -- no new desktops; free desktops are drained
    maintenance                boolean not null default false,
    -- health: reachable from the last inventory, failures in a row, quarantine (HostHealthPolicy)
    reachable                  boolean not null default true,
    consecutive_failures       integer not null default 0 check (consecutive_failures >= 0),
    quarantined_until          timestamptz,
    last_error                 text,
    last_error_at              timestamptz,
    -- API: registered by a platform admin; CONFIGURATION: from deskport.provisioning.hypervisors;
    -- DEFAULT: the simulated host used when nothing is configured
    source                     text not null default 'API' check (source in ('API', 'CONFIGURATION', 'DEFAULT')),
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now()
);

-- Published golden image versions of a pool (the pool points at a current and a previous one).
create table image_version (
    id               uuid primary key,
    tenant_id        uuid not null,
    pool_id          uuid not null,
    label            text not null check (label ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    golden_disk_path text not null check (golden_disk_path ~ '^/'),
    kernel_path      text check (kernel_path ~ '^/'),
    initrd_path      text check (initrd_path ~ '^/'),
    kernel_cmdline   text,
    published_by     text not null,
    published_at     timestamptz not null default now(),
    unique (pool_id, label),
    unique (tenant_id, id),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade
);

-- Sizing, hardware, power policy and image of a pool whose desktops provisioning creates.
create table pool_provisioning (
    pool_id                    uuid primary key,
    tenant_id                  uuid not null,
    enabled                    boolean not null default true,
    min_size                   integer not null default 0 check (min_size >= 0),
    max_size                   integer not null check (max_size >= min_size),
    spare_target               integer not null default 0 check (spare_target >= 0),
    vcpus                      integer not null check (vcpus between 1 and 128),
    memory_mib                 integer not null check (memory_mib between 16 and 4194304),
    disk_mib                   integer not null check (disk_mib between 1 and 67108864),
    video                      text not null default 'vga' check (video in ('vga', 'cirrus', 'virtio', 'qxl', 'bochs')),
    -- power policy: stop a persistent desktop after it has been disconnected this long; null = never
    stop_after_disconnected_s  integer check (stop_after_disconnected_s >= 0),
    current_image_id           uuid,
    previous_image_id          uuid,
    -- true after a rollback: desktops run the previous image until an admin sets a current one again
    rolled_back                boolean not null default false,
    -- the admin commanded that assigned persistent desktops move to the target image too
    update_persistent          boolean not null default false,
    -- the last connect refused for lack of a free desktop (demand that grows the pool up to max)
    last_exhausted_at          timestamptz,
    exhausted_refusals         integer not null default 0,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade,
    foreign key (tenant_id, current_image_id) references image_version(tenant_id, id),
    foreign key (tenant_id, previous_image_id) references image_version(tenant_id, id),
    check (not rolled_back or previous_image_id is not null)
);

-- Where a managed desktop lives and what it runs. Goes with its desktop row.
create table provisioned_desktop (
    desktop_id           uuid primary key,
    tenant_id            uuid not null,
    pool_id              uuid not null,
    host_id              uuid not null references hypervisor_host(id),
    image_version_id     uuid,
    -- the console answered after the last start (what made the desktop READY)
    console_checked_at   timestamptz,
    -- the user last disconnected (drives the power policy); null while connected
    last_disconnected_at timestamptz,
    created_at           timestamptz not null default now(),
    foreign key (tenant_id, desktop_id) references desktop(tenant_id, id) on delete cascade
);
create index provisioned_desktop_by_host on provisioned_desktop(host_id);

-- The task journal: every hypervisor operation. At most one unfinished task per desktop; tasks are
-- claimed with FOR UPDATE SKIP LOCKED under a lease, so after a crash an interrupted task is claimed
-- again when its lease has run out and re-run (driver operations are idempotent by desktop id).
create table provisioning_task (
    id               uuid primary key,
    tenant_id        uuid references tenant(id) on delete cascade,
    pool_id          uuid,
    -- not a foreign key: a DELETE outlives its desktop row
    desktop_id       uuid not null,
    host_id          uuid references hypervisor_host(id) on delete set null,
    type             text not null check (type in ('CREATE', 'START', 'STOP', 'REFRESH', 'REPLACE', 'DELETE')),
    reason           text not null,
    image_version_id uuid,
    -- REFRESH/REPLACE: power the desktop on afterwards
    start_after      boolean not null default false,
    idempotency_key  text not null unique,
    state            text not null check (state in ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    attempts         integer not null default 0 check (attempts >= 0),
    max_attempts     integer not null check (max_attempts >= 1),
    next_attempt_at  timestamptz not null default now(),
    lease_owner      text,
    lease_until      timestamptz,
    error_reason     text,
    error_detail     text,
    created_at       timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    check ((state = 'RUNNING') = (lease_until is not null))
);
create unique index provisioning_task_one_open_per_desktop on provisioning_task(desktop_id)
    where state in ('PENDING', 'RUNNING');
create index provisioning_task_due on provisioning_task(next_attempt_at) where state = 'PENDING';
create index provisioning_task_leased on provisioning_task(lease_until) where state = 'RUNNING';
create index provisioning_task_by_tenant on provisioning_task(tenant_id, created_at desc);
create index provisioning_task_by_desktop on provisioning_task(desktop_id, created_at desc);
create index provisioning_task_finished on provisioning_task(finished_at) where finished_at is not null;

-- What reconciliation found: ORPHAN = a VM on a hypervisor that no desktop row knows; GHOST = a
-- desktop row whose VM is gone. tenant_id is what the VM's tag says (orphans) or the desktop's tenant.
create table provisioning_discrepancy (
    kind          text not null check (kind in ('ORPHAN', 'GHOST')),
    -- text: an orphan's tag may name an id that is not one of ours
    desktop_id    text not null,
    host_id       uuid not null references hypervisor_host(id) on delete cascade,
    tenant_id     text,
    pool_id       text,
    vm_name       text,
    detail        text not null,
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    -- what the cleanup policy did (null: reported only)
    action        text check (action in ('DELETED', 'MARKED_FAILED', 'FORGOTTEN')),
    action_at     timestamptz,
    primary key (kind, desktop_id)
);
create index provisioning_discrepancy_by_tenant on provisioning_discrepancy(tenant_id);
