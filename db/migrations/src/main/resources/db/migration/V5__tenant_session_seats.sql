-- A tenant's concurrent-session seats, spread over 16 rows. A connect takes a seat from any row with room
-- (FOR UPDATE SKIP LOCKED), so concurrent connects of one tenant no longer queue on one hot row whose lock
-- is held through each commit's WAL flush. Each row caps its own use and the capacities add up to the
-- quota, so the tenant can never exceed it; only the sum of "used" is meaningful.
create table tenant_session_seats (
    tenant_id uuid not null references tenant(id) on delete cascade,
    shard     smallint not null check (shard between 0 and 15),
    capacity  integer not null check (capacity >= 0),
    used      integer not null default 0 check (used >= 0),
    primary key (tenant_id, shard)
);

insert into tenant_session_seats (tenant_id, shard, capacity)
select t.id, g, t.max_concurrent_sessions / 16 + case when g < t.max_concurrent_sessions % 16 then 1 else 0 end
from tenant t cross join generate_series(0, 15) g;

-- carry over the live sessions: fill the rows in order, anything beyond the quota on the last row
with live as (select tenant_id, count(*) as n from session where state <> 'ENDED' group by tenant_id),
     seats as (select tenant_id, shard, capacity,
                      coalesce(sum(capacity) over (partition by tenant_id order by shard
                               rows between unbounded preceding and 1 preceding), 0) as before
               from tenant_session_seats)
update tenant_session_seats t
set used = least(seats.capacity, greatest(0, live.n - seats.before))
           + case when seats.shard = 15 then greatest(0, live.n - seats.before - seats.capacity) else 0 end
from seats join live on live.tenant_id = seats.tenant_id
where t.tenant_id = seats.tenant_id and t.shard = seats.shard;

alter table tenant drop column active_sessions;

-- every tenant gets its seat rows however it is created
create function tenant_session_seats_create() returns trigger language plpgsql as $$
begin
    insert into tenant_session_seats (tenant_id, shard, capacity)
    select new.id, g, new.max_concurrent_sessions / 16 + case when g < new.max_concurrent_sessions % 16 then 1 else 0 end
    from generate_series(0, 15) g;
    return new;
end $$;
create trigger tenant_session_seats_on_insert after insert on tenant
    for each row execute function tenant_session_seats_create();
