-- Licence seats for less: what a licensed connect writes, measured in bench/licensing (bench/README.md).
--
-- 1. Seat events are usage events written by the seat's own transaction. Until now the seat row was its own
--    outbox (`announced`, a partial index on it, a relay that marked each row twice); every mark was a non-HOT
--    update writing the row's four index entries again. Now a trigger writes the usage event (metering's table,
--    through the function metering publishes for it) in the transaction that takes or gives back the seat: the
--    seat rows are left alone after their insert and release, and the events commit with their seats.
-- 2. No foreign key from licence_seat to licence_product: each new seat locked the product row FOR KEY SHARE,
--    one row shared by every connect of the product (a MultiXact whenever two overlap: 3.3 WAL records per seat).
--    A product's seats go with it through a trigger instead (released first, so the history and the usage
--    events say so, when a tenant's removal takes products with held seats).
-- 3. The shard search starts at a random shard (as the tenant's session seats do): concurrent connects no longer
--    compete for the lowest shards with room, nor pass the full ones first.
-- 4. A logoff gives a concurrent seat back with one update of its row instead of two.

-- metering's public face in SQL: a usage event written by a change made in SQL (deskport.metering = 'off' on a
-- broker's connections when it does not meter)
create function record_usage_event(p_tenant uuid, p_type text, p_subject text, p_time timestamptz, p_data jsonb)
    returns void language sql as $$
    insert into usage_event (tenant_id, type, subject, time, data)
    select p_tenant, p_type, p_subject, p_time, p_data
    where coalesce(current_setting('deskport.metering', true), '') <> 'off'
$$;

create function licence_seat_usage_event() returns trigger language plpgsql as $$
declare
    v_model text;
    v_data  jsonb;
begin
    select model into v_model from licence_product where id = new.product_id;
    v_data := jsonb_build_object('seatId', new.id, 'productId', new.product_id, 'model', v_model,
                                 'holder', new.holder, 'userId', new.user_id);
    if tg_op = 'INSERT' then
        perform record_usage_event(new.tenant_id, 'licence.seat_taken', 'licence-seats/' || new.id, new.taken_at, v_data);
    else
        perform record_usage_event(new.tenant_id, 'licence.seat_released', 'licence-seats/' || new.id, new.released_at,
            v_data || jsonb_build_object('takenAt', to_char(new.taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                         'reason', new.release_reason));
    end if;
    return null;
end $$;
create trigger licence_seat_taken_usage after insert on licence_seat
    for each row execute function licence_seat_usage_event();
create trigger licence_seat_released_usage after update of released_at on licence_seat
    for each row when (old.released_at is null and new.released_at is not null)
    execute function licence_seat_usage_event();

-- seats the relay had not yet published are written now, once
insert into usage_event (tenant_id, type, subject, time, data)
select s.tenant_id, 'licence.seat_taken', 'licence-seats/' || s.id, s.taken_at,
       jsonb_build_object('seatId', s.id, 'productId', s.product_id, 'model', p.model, 'holder', s.holder, 'userId', s.user_id)
from licence_seat s join licence_product p on p.id = s.product_id
where s.announced = 0;
insert into usage_event (tenant_id, type, subject, time, data)
select s.tenant_id, 'licence.seat_released', 'licence-seats/' || s.id, s.released_at,
       jsonb_build_object('seatId', s.id, 'productId', s.product_id, 'model', p.model, 'holder', s.holder, 'userId', s.user_id,
                          'takenAt', to_char(s.taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                          'reason', s.release_reason)
from licence_seat s join licence_product p on p.id = s.product_id
where s.released_at is not null and s.announced < 2;
drop index licence_seat_unannounced;
alter table licence_seat drop column announced;

alter table licence_seat drop constraint licence_seat_product_id_fkey;
create function licence_product_seats_go() returns trigger language plpgsql as $$
begin
    update licence_seat set released_at = clock_timestamp(), release_reason = 'PRODUCT_REMOVED'
    where product_id = old.id and released_at is null;
    delete from licence_seat where product_id = old.id;
    return old;
end $$;
create trigger licence_product_seats_go before delete on licence_product
    for each row execute function licence_product_seats_go();

-- one seat of the product from any shard with room, searched from p_start, or DPL01 (the message is the product)
drop function take_licence_shard(uuid);
create function take_licence_shard(p_product uuid, p_start integer) returns void
    language plpgsql as $$
begin
    update licence_seat_shard set used = used + 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used < capacity
                                 order by (shard - p_start + 16) % 16 limit 1 for update skip locked);
    if found then
        return;
    end if;
    -- every shard with room is held by a concurrent transaction: wait for one
    update licence_seat_shard set used = used + 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used < capacity
                                 order by (shard - p_start + 16) % 16 limit 1 for update);
    if found then
        return;
    end if;
    raise exception '%', p_product using errcode = 'DPL01';
end $$;

-- the holder's seat of the product: joined when held (p_sessions more sessions), else taken (a shard seat with it)
create or replace function hold_licence_seat(p_tenant uuid, p_product uuid, p_holder text, p_user uuid, p_sessions integer)
    returns bigint language plpgsql as $$
declare
    v_seat bigint;
    v_new  boolean;
begin
    insert into licence_seat as s (tenant_id, product_id, holder, user_id, sessions)
    values (p_tenant, p_product, p_holder, p_user, p_sessions)
    on conflict (product_id, holder) where released_at is null
        do update set sessions = s.sessions + p_sessions, last_used_at = clock_timestamp(),
                      user_id = coalesce(excluded.user_id, s.user_id)
    returning s.id, (s.xmax = 0) into v_seat, v_new;
    if v_new then
        perform take_licence_shard(p_product, floor(random() * 16)::integer);
    end if;
    return v_seat;
end $$;

-- a new session's seats, every product of its pool in id order (as every taker locks them), or an error
create or replace function take_licence_seats(p_tenant uuid, p_pool uuid, p_session uuid, p_user uuid, p_device text)
    returns void language plpgsql as $$
declare
    r       record;
    v_seats bigint[] := '{}';
begin
    for r in select p.id, p.model from pool_licence pl join licence_product p on p.id = pl.product_id
             where pl.pool_id = p_pool and p.model <> 'PER_DESKTOP' order by p.id loop
        if r.model = 'PER_DEVICE' and p_device is null then
            raise exception '%', r.id using errcode = 'DPL02';
        end if;
        v_seats := v_seats || hold_licence_seat(p_tenant, r.id,
                                                case when r.model = 'PER_DEVICE' then p_device else p_user::text end,
                                                p_user, 1);
    end loop;
    if cardinality(v_seats) > 0 then
        insert into licence_session (session_id, tenant_id, user_id, device_id, seat_ids)
        values (p_session, p_tenant, p_user, p_device, v_seats);
    end if;
end $$;

-- A session stops using its seats: every seat counts one session less; a CONCURRENT_USER seat nobody uses any
-- more is given back in the same update. p_disconnect: only the seats of release_on_disconnect products (the
-- session remembers them, to take them back at reconnect); else all, and the session's row goes.
create or replace function release_licence_seats(p_session uuid, p_disconnect boolean, p_reason text)
    returns void language plpgsql as $$
declare
    v_held     licence_session;
    r          record;
    v_released timestamptz;
    v_kept     bigint[] := '{}';
    v_gone     uuid[] := '{}';
begin
    select * into v_held from licence_session where session_id = p_session for update;
    if not found then
        return;
    end if;
    -- in products' id order, as seats are taken
    for r in select s.id, s.product_id, p.model, p.release_on_disconnect from licence_seat s
             join licence_product p on p.id = s.product_id
             where s.id = any(v_held.seat_ids) order by s.product_id loop
        if p_disconnect and not (r.model = 'CONCURRENT_USER' and r.release_on_disconnect) then
            v_kept := v_kept || r.id;
            continue;
        end if;
        update licence_seat s set sessions = greatest(s.sessions - 1, 0), last_used_at = clock_timestamp(),
                                  released_at = case when r.model = 'CONCURRENT_USER' and s.sessions <= 1
                                                     then clock_timestamp() end,
                                  release_reason = case when r.model = 'CONCURRENT_USER' and s.sessions <= 1
                                                        then p_reason end
        where s.id = r.id and s.released_at is null returning s.released_at into v_released;
        if found then
            if p_disconnect then
                v_gone := v_gone || r.product_id;
            end if;
            if v_released is not null then
                perform give_back_licence_shard(r.product_id);
            end if;
        end if;
    end loop;
    if p_disconnect then
        update licence_session set seat_ids = v_kept, released = released || v_gone where session_id = p_session;
    else
        delete from licence_session where session_id = p_session;
    end if;
end $$;
