-- Provisioning: capacity that follows demand (the broker's provisioning module owns these tables).
--
-- A pool's capacity mode: FIXED keeps pool_provisioning.spare_target ready spares at all times (as before); DEMAND
-- sets the spare target every reconcile cycle from the pool's logon curve (learned from its sessions of the last
-- history_weeks weeks, per 5-minute slot and weekday in the tenant's time zone) and the measured time to make a
-- desktop ready, clamped to [spare_floor, spare_cap]; ready spares beyond it are powered off, not deleted. For a
-- SHARED pool, floor and cap count the session hosts kept open for new sessions (the others are drained).
create table pool_capacity (
    pool_id       uuid primary key,
    tenant_id     uuid        not null,
    mode          text        not null default 'FIXED' check (mode in ('FIXED', 'DEMAND')),
    spare_floor   integer     not null default 0 check (spare_floor >= 0),
    spare_cap     integer     not null default 0,
    history_weeks integer     not null default 4 check (history_weeks between 1 and 12),
    updated_at    timestamptz not null default now(),
    version       bigint      not null default 1,
    check (spare_cap >= spare_floor),
    foreign key (tenant_id, pool_id) references desktop_pool(tenant_id, id) on delete cascade
);
create index pool_capacity_by_tenant on pool_capacity (tenant_id);

-- A tenant's holidays and other exceptions: the demand model learns these dates apart from their weekday and
-- forecasts them as holidays (see DemandModel).
create table capacity_holiday (
    tenant_id  uuid        not null references tenant(id) on delete cascade,
    day        date        not null,
    label      text        not null check (length(label) between 1 and 100),
    created_at timestamptz not null default now(),
    primary key (tenant_id, day)
);

-- The session hosts of SHARED pools that consolidation drained off-peak (it resumes only these, never a host an
-- admin drained).
create table capacity_drained_host (
    host_id    uuid primary key references session_host(id) on delete cascade,
    tenant_id  uuid        not null,
    pool_id    uuid        not null,
    drained_at timestamptz not null default now()
);

-- the measured ready time: a pool's latest operations that ended with a ready desktop
create index provisioning_task_ready_times on provisioning_task (pool_id, finished_at desc)
    where state = 'SUCCEEDED' and type in ('CREATE', 'START', 'REFRESH', 'REPLACE');
