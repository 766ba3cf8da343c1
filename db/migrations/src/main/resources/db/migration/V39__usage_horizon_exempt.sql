-- Readers of the usage event log no longer wait for the roll-ups (issue #20: the webhook lag at 500 connects/s).
--
-- A reader sees the log only up to the oldest write transaction still running (V20): every transaction older than
-- that has ended, so nothing can appear behind its cursor. Any long write transaction therefore holds every reader
-- back, and the longest ones were metering's own: a roll-up transaction that recomputes a day and a month from
-- their intervals runs for seconds on a busy tenant, and every event committed meanwhile waited for it (the lag's
-- p99 in bench/metering was that wait).
--
-- A transaction that writes no usage event cannot put one behind a cursor, so readers need not wait for it. The
-- roll-ups announce their transactions here (from another transaction that commits first) and readers leave the
-- announced ones out: the visible log ends before the oldest running transaction that is not announced (or at the
-- snapshot's end when there is none). Reading the announcements in the same statement as the snapshot keeps it
-- exact: an announcement not yet visible to the reader counts the transaction as any other (the reader waits, as
-- before), and a transaction not running at the snapshot is not in it either way. Only transactions that write no
-- usage event may be announced (io.deskport.broker.metering.UsageHorizon).
create table usage_horizon_exempt (
    xid   xid8        primary key,
    since timestamptz not null default now()
);

-- the first transaction id whose events a reader may not see yet: the oldest running transaction that is not
-- announced above, or the snapshot's end
create function usage_visible_before() returns xid8 language sql stable as $$
    select least(pg_snapshot_xmax(s),
                 (select min(x) from pg_snapshot_xip(s) as x
                  where not exists (select 1 from usage_horizon_exempt e where e.xid = x)))
    from pg_current_snapshot() as s
$$;
