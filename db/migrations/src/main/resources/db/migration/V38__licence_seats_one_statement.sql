-- Licence seats for less, again (issue #19; measured with pgbench on a copy of the schema, bench/README.md).
--
-- 1. record_usage_event was a LANGUAGE sql function. PostgreSQL 17 does not keep the plan of a SQL function
--    between calls (only inlined ones escape it, and one that inserts is never inlined): every call parsed and
--    planned its insert again, ~50 µs of a seat's ~170. In PL/pgSQL its plan is kept for the connection's life.
-- 2. take_licence_seats takes every seat of the connect in one statement: one insert of all the products' seats
--    (in product id order, as every taker locks them), one update of a shard row per new seat (each from its own
--    product, searched from a random shard, SKIP LOCKED; a product whose shards with room are all held by
--    concurrent transactions waits in take_licence_shard as before) and one insert of the new seats' usage
--    events through record_usage_events. Until now each seat was two nested function calls, a row trigger, a
--    select of its product's model and a usage event of its own.
-- 3. New seats write their `licence.seat_taken` events in the functions that insert them (take_licence_seats,
--    hold_licence_seat: the only two); the row trigger on insert goes. Releases keep theirs (a row trigger with a
--    WHEN clause: nothing runs for the updates that release nothing, and every release path is covered).
-- 4. The take's statements run with generic plans (set plan_cache_mode on the function): left to choose, the plan
--    cache kept planning the seat insert afresh for every call (custom plans), ~150–250 µs per connect.

create or replace function record_usage_event(p_tenant uuid, p_type text, p_subject text, p_time timestamptz, p_data jsonb)
    returns void language plpgsql as $$
begin
    if coalesce(current_setting('deskport.metering', true), '') <> 'off' then
        insert into usage_event (tenant_id, type, subject, time, data) values (p_tenant, p_type, p_subject, p_time, p_data);
    end if;
end $$;

-- several events of one tenant and type in one insert, in the arrays' order
create function record_usage_events(p_tenant uuid, p_type text, p_subjects text[], p_times timestamptz[], p_data jsonb[])
    returns void language plpgsql as $$
begin
    if coalesce(current_setting('deskport.metering', true), '') <> 'off' then
        insert into usage_event (tenant_id, type, subject, time, data)
        select p_tenant, p_type, e.subject, e.time, e.data from unnest(p_subjects, p_times, p_data) as e(subject, time, data);
    end if;
end $$;

drop trigger licence_seat_taken_usage on licence_seat;

-- the holder's seat of the product: joined when held (p_sessions more sessions), else taken (a shard seat and its
-- usage event with it)
create or replace function hold_licence_seat(p_tenant uuid, p_product uuid, p_holder text, p_user uuid, p_sessions integer)
    returns bigint language plpgsql as $$
declare
    v_seat  bigint;
    v_taken timestamptz;
    v_user  uuid;
    v_new   boolean;
begin
    insert into licence_seat as s (tenant_id, product_id, holder, user_id, sessions)
    values (p_tenant, p_product, p_holder, p_user, p_sessions)
    on conflict (product_id, holder) where released_at is null
        do update set sessions = s.sessions + p_sessions, last_used_at = clock_timestamp(),
                      user_id = coalesce(excluded.user_id, s.user_id)
    returning s.id, s.taken_at, s.user_id, (s.xmax = 0) into v_seat, v_taken, v_user, v_new;
    if v_new then
        perform take_licence_shard(p_product, floor(random() * 16)::integer);
        perform record_usage_event(p_tenant, 'licence.seat_taken', 'licence-seats/' || v_seat, v_taken,
                                   jsonb_build_object('seatId', v_seat, 'productId', p_product,
                                                      'model', (select model from licence_product where id = p_product),
                                                      'holder', p_holder, 'userId', v_user));
    end if;
    return v_seat;
end $$;

-- a new session's seats: every product of its pool (PER_DESKTOP ones are the desktop's), all or none, or an error
-- (DPL01 no seat left, DPL02 a PER_DEVICE product and no device id; the message is the product)
create or replace function take_licence_seats(p_tenant uuid, p_pool uuid, p_session uuid, p_user uuid, p_device text)
    returns void language plpgsql set plan_cache_mode = force_generic_plan as $$
declare
    v_seats    bigint[];
    v_new      uuid[];
    v_subjects text[];
    v_times    timestamptz[];
    v_data     jsonb[];
    v_got      uuid[];
    v_nodev    uuid;
    v_start    integer;
    v_product  uuid;
begin
    with wanted as (
        select p.id as product_id, p.model,
               case when p.model = 'PER_DEVICE' then p_device else p_user::text end as holder
        from pool_licence pl join licence_product p on p.id = pl.product_id
        where pl.pool_id = p_pool and p.model <> 'PER_DESKTOP'),
    held as (
        insert into licence_seat as s (tenant_id, product_id, holder, user_id, sessions)
        select p_tenant, w.product_id, w.holder, p_user, 1 from wanted w where w.holder is not null order by w.product_id
        on conflict (product_id, holder) where released_at is null
            do update set sessions = s.sessions + 1, last_used_at = clock_timestamp(),
                          user_id = coalesce(excluded.user_id, s.user_id)
        returning s.id, s.product_id, s.holder, s.user_id, s.taken_at, s.xmax = 0 as new)
    select (select w.product_id from wanted w where w.holder is null order by 1 limit 1),
           array_agg(h.id order by h.product_id),
           array_agg(h.product_id order by h.product_id) filter (where h.new),
           array_agg('licence-seats/' || h.id order by h.product_id) filter (where h.new),
           array_agg(h.taken_at order by h.product_id) filter (where h.new),
           array_agg(jsonb_build_object('seatId', h.id, 'productId', h.product_id, 'model', w.model, 'holder', h.holder,
                                        'userId', h.user_id) order by h.product_id) filter (where h.new)
    into v_nodev, v_seats, v_new, v_subjects, v_times, v_data
    from held h join wanted w on w.product_id = h.product_id;
    if v_nodev is not null then
        raise exception '%', v_nodev using errcode = 'DPL02';
    end if;
    if v_new is not null then
        -- a shard seat for each new seat, in the products' order
        v_start := floor(random() * 16)::integer;
        with pick as (
            select c.product_id, c.shard from unnest(v_new) as n(product_id)
            cross join lateral (select sh.product_id, sh.shard from licence_seat_shard sh
                                where sh.product_id = n.product_id and sh.used < sh.capacity
                                order by (sh.shard - v_start + 16) % 16 limit 1 for update skip locked) c),
        taken as (
            update licence_seat_shard t set used = t.used + 1 from pick
            where (t.product_id, t.shard) = (pick.product_id, pick.shard) returning t.product_id)
        select array_agg(product_id) into v_got from taken;
        if coalesce(cardinality(v_got), 0) < cardinality(v_new) then
            -- every shard with room of these products is held by a concurrent transaction: wait for one (or DPL01)
            for v_product in select n.p from unnest(v_new) as n(p) where not n.p = any(coalesce(v_got, '{}')) order by 1 loop
                perform take_licence_shard(v_product, v_start);
            end loop;
        end if;
        perform record_usage_events(p_tenant, 'licence.seat_taken', v_subjects, v_times, v_data);
    end if;
    if v_seats is not null then
        insert into licence_session (session_id, tenant_id, user_id, device_id, seat_ids)
        values (p_session, p_tenant, p_user, p_device, v_seats);
    end if;
end $$;
