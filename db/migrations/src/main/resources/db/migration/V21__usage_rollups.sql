-- Metering: usage roll-ups per tenant, per hour, local day and local month (the metering module owns these).
--
-- A background pass on one broker at a time reads the usage event log after its own cursor (gap-free, see V20),
-- turns each event into a change of its object's state (usage_interval), marks the hours the change affects
-- dirty (usage_rollup_dirty), advances the cursor in the same transaction, then recomputes each dirty hour, and
-- the tenant's local days and months that overlap it, from the intervals: delete the period's rows, insert them
-- again. Recomputing a period twice gives the same rows; an event whose time is older than hours already rolled
-- up (a licence seat released late, with its own time) marks those hours dirty again.

-- the pass's place in the log and its clock (one row)
create table usage_rollup_state (
    id           smallint    primary key check (id = 1),
    -- the last event read: (tx, seq) as UsageEventLog orders them
    cursor_tx    xid8        not null,
    cursor_seq   bigint      not null,
    -- the database's time at the last pass's clock step: the hours from this one on are recomputed for every
    -- tenant with something open, so that the hour that was current then is counted to its end
    rolled_until timestamptz,
    events_read  bigint      not null default 0
);
insert into usage_rollup_state (id, cursor_tx, cursor_seq) values (1, '0', 0);

-- Each object's states over time, one row per change: a session (OPEN, CONNECTED, ENDED), a desktop (STOPPED,
-- RUNNING, DELETED) or a licence seat (HELD, RELEASED) is in `state` from `start_at` until its next change
-- (`end_at`; null: its latest change). Rows are kept in time order per object whatever order their events are
-- read in: a change that arrives late is put in its place and splits the interval it falls into.
create table usage_interval (
    tenant_id  uuid        not null,
    -- the events' subject: sessions/<id>, desktops/<id>, licence-seats/<id>
    subject    text        not null,
    start_at   timestamptz not null,
    -- the event that made the change: orders changes of one instant as the log does
    tx         xid8        not null,
    seq        bigint      not null,
    end_at     timestamptz,
    state      text        not null check (state in ('OPEN', 'CONNECTED', 'ENDED', 'STOPPED', 'RUNNING', 'DELETED',
                                                    'HELD', 'RELEASED')),
    pool_id    uuid,
    user_id    uuid,
    -- a session's client device (from session.created, carried on to its later changes)
    device_id  text,
    product_id uuid,
    -- a desktop's size (null: a desktop provisioning does not manage)
    vcpus      integer,
    memory_mib integer,
    disk_mib   integer,
    primary key (tenant_id, subject, start_at, tx, seq),
    check (end_at is null or end_at >= start_at)
);
-- the intervals that overlap a period (an hour, a day, a month)
create index usage_interval_during on usage_interval using gist (tstzrange(start_at, end_at));
-- the objects whose latest state is not final (their hours grow with the clock)
create index usage_interval_open on usage_interval (tenant_id) where end_at is null and state in ('OPEN', 'CONNECTED',
    'STOPPED', 'RUNNING', 'HELD');

-- hours whose roll-up rows are to be recomputed (a UTC hour: its start)
create table usage_rollup_dirty (
    tenant_id  uuid        not null,
    hour_start timestamptz not null,
    primary key (tenant_id, hour_start)
);

-- The roll-ups, one figure per row: per HOUR (a UTC hour), DAY and MONTH (local, in the tenant's time zone at
-- the time of computing). Seconds are exact (to the microsecond the log keeps); a figure that is zero has no row.
create table usage_rollup (
    tenant_id          uuid        not null,
    granularity        text        not null check (granularity in ('HOUR', 'DAY', 'MONTH')),
    period_start       timestamptz not null,
    period_end         timestamptz not null,
    -- the tenant's wall clock at the period's start, and its offset from UTC then (an hour that a DST change
    -- repeats has the same local start twice, with two offsets)
    local_start        timestamp   not null,
    utc_offset_seconds integer     not null,
    time_zone          text        not null,
    -- whether the period had ended when it was computed (the current one counts its open intervals up to then)
    complete           boolean     not null,
    metric             text        not null,
    pool_id            uuid,
    user_id            uuid,
    product_id         uuid,
    vcpus              integer,
    memory_mib         integer,
    disk_mib           integer,
    value              numeric     not null,
    -- PEAK_SESSIONS: the first instant the peak was reached
    reached_at         timestamptz,
    constraint usage_rollup_one_figure unique nulls not distinct (tenant_id, granularity, period_start, metric, pool_id,
        user_id, product_id, vcpus, memory_mib, disk_mib)
);
-- the export reads a range of periods, of one tenant or of all
create index usage_rollup_periods on usage_rollup (granularity, period_start);
