-- The connect path under a logon storm.

-- 1. A tenant's concurrent-session seats over 64 rows instead of 16: with a connection pool of 24 and
--    seats held until commit, 16 rows were all held at once often enough that a third of the connects
--    had to look again. Each row keeps its own capacity; the capacities add up to the quota.
create temporary table seat_totals on commit drop as
select t.id as tenant_id, t.max_concurrent_sessions as quota, coalesce(sum(s.used), 0) as used
from tenant t left join tenant_session_seats s on s.tenant_id = t.id
group by t.id, t.max_concurrent_sessions;

delete from tenant_session_seats;
alter table tenant_session_seats drop constraint tenant_session_seats_shard_check;
alter table tenant_session_seats add constraint tenant_session_seats_shard_check check (shard between 0 and 63);

insert into tenant_session_seats (tenant_id, shard, capacity)
select tenant_id, g, quota / 64 + case when g < quota % 64 then 1 else 0 end
from seat_totals cross join generate_series(0, 63) g;

-- the seats in use, filled in shard order; anything beyond the quota on the last row
with seats as (select tenant_id, shard, capacity,
                      coalesce(sum(capacity) over (partition by tenant_id order by shard
                               rows between unbounded preceding and 1 preceding), 0) as before
               from tenant_session_seats)
update tenant_session_seats t
set used = least(seats.capacity, greatest(0, st.used - seats.before))
           + case when seats.shard = 63 then greatest(0, st.used - seats.before - seats.capacity) else 0 end
from seats join seat_totals st on st.tenant_id = seats.tenant_id
where t.tenant_id = seats.tenant_id and t.shard = seats.shard;

create or replace function tenant_session_seats_create() returns trigger language plpgsql as $$
begin
    insert into tenant_session_seats (tenant_id, shard, capacity)
    select new.id, g, new.max_concurrent_sessions / 64 + case when g < new.max_concurrent_sessions % 64 then 1 else 0 end
    from generate_series(0, 63) g;
    return new;
end $$;

-- 2. The reconciler reads the managed desktops on every pass; without this it read every desktop of
--    every tenant (most of them registered by hand, unmanaged) to find them.
create index desktop_managed on desktop(pool_id) where managed;
