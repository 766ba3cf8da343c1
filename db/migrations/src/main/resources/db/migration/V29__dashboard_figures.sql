-- The admin console's dashboard (issue 22): what it reads had to be aggregates over indexed columns.
--
-- 1. Connects and refusals per minute (the brokering module owns it). Refused connects leave nothing in the
--    database (they roll back), so each broker counts its connects (created, reconnected) and refusals (by reason)
--    in memory and adds them here every couple of seconds, one statement for everything counted since the last
--    time: the connect path writes nothing more, and a refusal storm costs one upsert per pool, reason and minute
--    every flush, not one per refusal. Rows older than a couple of hours are deleted by the flush. A broker that
--    dies loses what it had not flushed yet (seconds of counts: these are operational figures, not billing — the
--    usage events are).
create table connect_tally (
    tenant_id uuid        not null,
    -- the start of the minute counted (UTC)
    minute    timestamptz not null,
    -- CREATED, RECONNECTED, or the reason of a refusal (POOL_EXHAUSTED, TENANT_QUOTA, ...)
    outcome   text        not null check (outcome ~ '^[A-Z][A-Z_]{1,40}$'),
    -- the pool asked for; null when the refusal came before the pool was known to be the tenant's (NOT_FOUND,
    -- OVERLOADED, SERVICE_UNAVAILABLE)
    pool_id   uuid,
    count     bigint      not null check (count > 0),
    constraint connect_tally_one_row unique nulls not distinct (tenant_id, minute, outcome, pool_id)
);

-- 2. The sessions that ended recently, per tenant: the dashboard's 24 hours of sessions per pool read the sessions
--    that overlap them (live ones through session_live_by_state, ended ones through this), never the whole history;
--    the pool and start are in the index, so an old, vacuumed history is read without visiting the rows. A session's
--    end is already an update that writes every index of the row again (its state is indexed); this adds one entry to
--    it, and none to any other update (partial: ended sessions only).
create index session_ended_by_tenant on session (tenant_id, ended_at) include (pool_id, created_at) where state = 'ENDED';

-- 3. A tenant's placements on the hypervisor hosts (what its dashboard and its host list sum per host): read by the
--    tenant, not by every host's placements of every tenant. Written once per desktop created.
create index provisioned_desktop_by_tenant on provisioned_desktop (tenant_id, host_id);
