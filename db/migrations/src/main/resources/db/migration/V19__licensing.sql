-- Licensing (the broker's licensing module owns every table here).
--
-- A licence product (an RDS CAL, a VDI access licence, an office suite) has a model that says what holds a
-- seat: a user (NAMED_USER: assigned on first use and kept; CONCURRENT_USER: held while the user has a
-- session), a client device (PER_DEVICE) or a provisioned desktop (PER_DESKTOP). Licences are the purchases
-- of a product: seats valid from/until, enforced HARD (refuse) or SOFT (allow an overuse margin), with a grace
-- period after expiry. The licence in force decides the product's capacity, which is spread over sixteen
-- shard rows (like the tenant's session seats): a connect takes a seat from any shard with room that no
-- concurrent connect holds, with its COMMIT, so no single row is hot and no lock outlives a commit.
--
-- Every holding of a seat is a row of licence_seat, from taken_at to released_at: the seat history that the
-- compliance reports read (peaks are exact, not sampled). Times are clock_timestamp(): a seat is taken after
-- the release that made room for it committed, so the history never shows two holdings overlapping where
-- the seats did not.

-- the tenant's IANA time zone: reports and roll-ups count days and months there
alter table tenant add column time_zone text not null default 'UTC';

create domain licence_model as text
    check (value in ('NAMED_USER', 'CONCURRENT_USER', 'PER_DEVICE', 'PER_DESKTOP'));
create domain licence_enforcement as text check (value in ('HARD', 'SOFT'));
create domain licence_shard as smallint check (value between 0 and 15);

create table licence_product (
    id                    uuid primary key,
    tenant_id             uuid not null references tenant(id) on delete cascade,
    name                  text not null,
    vendor                text not null default '',
    sku                   text not null default '',
    model                 licence_model not null,
    -- CONCURRENT_USER: the seat is given back when the user's last session disconnects, taken again on reconnect
    release_on_disconnect boolean not null default false,
    -- NAMED_USER, PER_DEVICE: a seat unused this many days is given back (null: only an admin frees it)
    unused_days           integer check (unused_days is null or unused_days > 0),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    version               bigint not null default 0,
    unique (tenant_id, name)
);

create table licence (
    id              uuid primary key,
    tenant_id       uuid not null references tenant(id) on delete cascade,
    product_id      uuid not null references licence_product(id) on delete cascade,
    seats           integer not null check (seats >= 0),
    valid_from      timestamptz not null,
    -- null: perpetual
    valid_until     timestamptz check (valid_until is null or valid_until > valid_from),
    enforcement     licence_enforcement not null,
    -- SOFT: seats allowed beyond `seats` (each one an overuse, reported and alerted)
    overuse_margin  integer not null default 0 check (overuse_margin >= 0),
    -- days after valid_until during which the licence still counts (unless a newer one is valid)
    grace_days      integer not null default 0 check (grace_days >= 0),
    reference       text not null default '',
    -- the smallest of 30/7/1 days-before-expiry notices already published
    expiry_notified integer,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    version         bigint not null default 0
);
create index licence_by_product on licence (product_id, valid_from);

-- which products a pool's sessions (or, PER_DESKTOP, its desktops) consume
create table pool_licence (
    pool_id    uuid not null references desktop_pool(id) on delete cascade,
    product_id uuid not null references licence_product(id),
    tenant_id  uuid not null references tenant(id) on delete cascade,
    primary key (pool_id, product_id)
);
create index pool_licence_by_product on pool_licence (product_id);
-- licensing's read model: which products a pool consumes (the connect reads whether there are any)
create view licensing_pool_products as select pool_id, product_id, tenant_id from pool_licence;

-- the product's capacity, spread over shards; the capacities add up to the seats in force (plus the SOFT
-- margin), `used` to the seats held
create table licence_seat_shard (
    product_id uuid not null references licence_product(id) on delete cascade,
    shard      licence_shard not null,
    capacity   non_negative_int not null default 0,
    used       non_negative_int not null default 0,
    primary key (product_id, shard)
);

create table licence_seat (
    id             bigint generated always as identity primary key,
    tenant_id      uuid not null,
    product_id     uuid not null references licence_product(id) on delete cascade,
    -- the user id, the device id or the desktop id, as text
    holder         text not null,
    -- the user it was taken for (the last user, for a device)
    user_id        uuid,
    taken_at       timestamptz not null default clock_timestamp(),
    last_used_at   timestamptz not null default clock_timestamp(),
    released_at    timestamptz,
    release_reason text,
    -- live sessions using it now
    sessions       non_negative_int not null default 0,
    -- PER_DESKTOP: the desktop's pool
    pool_id        uuid,
    -- what the licensing relay has published of it: 0 nothing, 1 LicenceSeatTaken, 2 LicenceSeatReleased too
    announced      smallint not null default 0
);
create unique index licence_seat_held on licence_seat (product_id, holder) where released_at is null;
create index licence_seat_history on licence_seat (product_id, taken_at);
create index licence_seat_released on licence_seat (product_id, released_at) where released_at is not null;
create index licence_seat_by_pool on licence_seat (pool_id) where released_at is null and pool_id is not null;
-- what the relay has yet to publish (a seat is here between its take or release and the relay's next pass)
create index licence_seat_unannounced on licence_seat (id) where announced = 0 or (announced = 1 and released_at is not null);

-- the seats a live session holds (given back when it ends); released: products whose seat was given back at
-- disconnect (release_on_disconnect), taken again at reconnect
create table licence_session (
    session_id uuid primary key,
    tenant_id  uuid not null,
    user_id    uuid not null,
    device_id  text,
    seat_ids   bigint[] not null,
    released   uuid[] not null default '{}'
);

-- overuse periods (the seats in use above the licence's seats), found by the licensing sweep from the seat
-- history; ended_at null while it lasts
create table licence_overuse (
    id          bigint generated always as identity primary key,
    tenant_id   uuid not null references tenant(id) on delete cascade,
    product_id  uuid not null references licence_product(id) on delete cascade,
    started_at  timestamptz not null,
    ended_at    timestamptz,
    seats       integer not null,
    peak_excess integer not null,
    unique (product_id, started_at)
);

-- Takes one seat of the product from any shard with room, or raises DPL01 (the message is the product id).
create function take_licence_shard(p_product uuid) returns void
    language plpgsql as $$
begin
    update licence_seat_shard set used = used + 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used < capacity
                                 limit 1 for update skip locked);
    if found then
        return;
    end if;
    -- every shard with room is held by a concurrent transaction: wait for one
    update licence_seat_shard set used = used + 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used < capacity
                                 limit 1 for update);
    if found then
        return;
    end if;
    raise exception '%', p_product using errcode = 'DPL01';
end $$;

-- Gives one seat of the product back to any shard that counts one.
create function give_back_licence_shard(p_product uuid) returns void
    language plpgsql as $$
begin
    -- a shard holding more than its capacity (a licence lowered by force below the seats held) first: a seat
    -- given back there makes no room while the product is still over
    update licence_seat_shard set used = used - 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used > capacity limit 1 for update);
    if found then
        return;
    end if;
    update licence_seat_shard set used = used - 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used > 0
                                 limit 1 for update skip locked);
    if found then
        return;
    end if;
    update licence_seat_shard set used = used - 1
    where (product_id, shard) = (select product_id, shard from licence_seat_shard
                                 where product_id = p_product and used > 0
                                 limit 1 for update);
end $$;

-- Takes (or joins) the seat of each product the holder needs; a new holding takes a shard seat.
-- Returns the seat id. Raises DPL01 (no seat left).
create function hold_licence_seat(p_tenant uuid, p_product uuid, p_holder text, p_user uuid, p_sessions integer)
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
        perform take_licence_shard(p_product);
    end if;
    return v_seat;
end $$;

-- A new session of the pool takes a seat of every product the pool's sessions consume (PER_DESKTOP ones
-- are the desktop's), all or none; in products' id order, so that concurrent connects lock in one order.
-- Raises DPL01 (no seat left; message: the product id) or DPL02 (a PER_DEVICE product and no device id).
create function take_licence_seats(p_tenant uuid, p_pool uuid, p_session uuid, p_user uuid, p_device text)
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

-- A session that gave seats back at disconnect (release_on_disconnect) takes them again at reconnect, all or
-- none; nothing when it gave none back. Raises DPL01 like take_licence_seats.
create function retake_licence_seats(p_session uuid) returns void
    language plpgsql as $$
declare
    r       record;
    v_seats bigint[] := '{}';
    v_held  licence_session;
begin
    select * into v_held from licence_session where session_id = p_session for update;
    if not found or cardinality(v_held.released) = 0 then
        return;
    end if;
    for r in select p.id from licence_product p where p.id = any(v_held.released) order by p.id loop
        v_seats := v_seats || hold_licence_seat(v_held.tenant_id, r.id, v_held.user_id::text, v_held.user_id, 1);
    end loop;
    update licence_session set seat_ids = seat_ids || v_seats, released = '{}' where session_id = p_session;
end $$;

-- A session stops using its seats: every seat counts one session less; a CONCURRENT_USER seat nobody uses
-- any more is given back. p_disconnect: only the seats of release_on_disconnect products (the session
-- remembers them, to take them back at reconnect); else all, and the session's row goes.
create function release_licence_seats(p_session uuid, p_disconnect boolean, p_reason text)
    returns void language plpgsql as $$
declare
    v_held  licence_session;
    v_seat  licence_seat;
    v_model licence_model;
    v_rod   boolean;
    v_kept  bigint[] := '{}';
    v_gone  uuid[] := '{}';
    v_id    bigint;
begin
    select * into v_held from licence_session where session_id = p_session for update;
    if not found then
        return;
    end if;
    -- in products' id order, as seats are taken
    for v_id in select s.id from licence_seat s where s.id = any(v_held.seat_ids) order by s.product_id loop
        select p.model, p.release_on_disconnect into v_model, v_rod
        from licence_seat s join licence_product p on p.id = s.product_id where s.id = v_id;
        if p_disconnect and not (v_model = 'CONCURRENT_USER' and v_rod) then
            v_kept := v_kept || v_id;
            continue;
        end if;
        update licence_seat set sessions = greatest(sessions - 1, 0), last_used_at = clock_timestamp()
        where id = v_id and released_at is null returning * into v_seat;
        if found then
            if p_disconnect then
                v_gone := v_gone || v_seat.product_id;
            end if;
            if v_model = 'CONCURRENT_USER' and v_seat.sessions = 0 then
                update licence_seat set released_at = clock_timestamp(), release_reason = p_reason where id = v_id;
                perform give_back_licence_shard(v_seat.product_id);
            end if;
        end if;
    end loop;
    if p_disconnect then
        update licence_session set seat_ids = v_kept, released = released || v_gone where session_id = p_session;
    else
        delete from licence_session where session_id = p_session;
    end if;
end $$;
