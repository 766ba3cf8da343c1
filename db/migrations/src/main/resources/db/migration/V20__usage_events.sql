-- Metering: the usage event log (the broker's metering module owns it).
--
-- Every change a bill is made from (a session created, connected, disconnected, ended; a desktop created,
-- powered on or off, deleted; a licence seat taken or released; a tenant's quota changed) writes one row here
-- in the transaction that makes the change: no event without its change, no change without its event. Rows
-- are never updated; retention is the only delete.
--
-- Readers (the export API, the roll-ups, the webhook relay) must only ever see a gap-free prefix, and
-- sequence numbers alone cannot give them one: two transactions take seq 7 and 8, the one with 8 commits
-- first, a reader that saw 8 moves its cursor past 7 and never sees it. So the log is read in the order of
-- (tx, seq), tx being the writing transaction's id, and only up to the oldest transaction still running:
--
--     where (tx, seq) > (:cursor_tx, :cursor_seq) and tx < pg_snapshot_xmin(pg_current_snapshot())
--
-- Every transaction whose id is below the snapshot's xmin has ended (committed or rolled back), so every row
-- it wrote is visible now and will never change, and every transaction that has yet to commit has an id at
-- or above xmin, so it can only add rows after the reader's cursor. The visible prefix grows but never
-- changes behind a cursor: nothing is skipped, and nobody assigns positions after commit (no second write
-- per event, no single relay). The price: a long write transaction holds the visible prefix back until it
-- ends (the broker's transactions are short; the roll-ups and the relay report the lag).

create sequence usage_event_seq;

create table usage_event (
    -- the writing transaction (64-bit, never wraps): the first half of the read order
    tx        xid8        not null default pg_current_xact_id(),
    -- unique over the log; the CloudEvents id and `sequence` extension
    seq       bigint      not null default nextval('usage_event_seq'),
    tenant_id uuid        not null,
    -- without the io.deskport. prefix: session.created, desktop.powered_on, licence.seat_taken, ...
    type      text        not null,
    -- what the event is about: sessions/<id>, desktops/<id>, licence-seats/<id>, tenants/<id>
    subject   text        not null,
    -- when the change happened: its transaction's time (the same now() the changed row records)
    time      timestamptz not null default now(),
    data      jsonb       not null,
    primary key (tx, seq)
);
-- a tenant's export and webhooks read their own events in the same order
create index usage_event_tenant on usage_event (tenant_id, tx, seq);

-- immutable: a statement trigger (it costs an insert nothing) refuses every update, and deletes unless the
-- retention job says it is the one deleting
create function usage_event_immutable() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' and current_setting('deskport.usage_retention', true) = 'on' then
        return null;
    end if;
    raise exception 'usage events are immutable (% refused)', tg_op using errcode = 'DP020';
end $$;
create trigger usage_event_immutable before update or delete on usage_event
    for each statement execute function usage_event_immutable();

-- provisioning publishes each pool's hardware: a desktop's power events carry its size
create view provisioning_pool_hardware as
    select pool_id, tenant_id, vcpus, memory_mib, disk_mib from pool_provisioning;
