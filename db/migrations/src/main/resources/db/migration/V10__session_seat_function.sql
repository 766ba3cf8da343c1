-- A tenant's concurrent-session seat taken by one statement that either takes it or fails.
--
-- A connect takes its seat last, in the message that carries its COMMIT (the broker's WritesWithCommit):
-- the seat row is then locked for the commit alone, and the connect saves a round trip. Nothing can look at
-- the statement's result there, so a full quota must be an error, which rolls the whole connect back (the
-- desktop claim or the host seat with it). SQLSTATE DPQ01 is that error; the broker answers TENANT_QUOTA.
--
-- Any row with room will do (only the sum of "used" counts). First the row the caller picked at random
-- (p_start), looked up by its key: the seat rows are locked for a commit each, so that row is nearly
-- always free, and a key lookup reads two or three buffers where a scan for "any row with room" read the
-- tenant's index entries, sorted them into a bitmap and walked the rows' update chains. Then any row with
-- room that no concurrent transaction holds (the random row was full or held), and when every row with room
-- is held, wait for one. A locked row that filled up meanwhile is re-checked after the wait and passed over.
create function take_session_seat(p_tenant uuid, p_start integer) returns void
    language plpgsql as $$
begin
    update tenant_session_seats set used = used + 1
    where tenant_id = p_tenant and shard = p_start
      and shard = (select shard from tenant_session_seats
                   where tenant_id = p_tenant and shard = p_start and used < capacity
                   for update skip locked);
    if found then
        return;
    end if;
    update tenant_session_seats set used = used + 1
    where (tenant_id, shard) = (select tenant_id, shard from tenant_session_seats
                                where tenant_id = p_tenant and used < capacity
                                limit 1 for update skip locked);
    if found then
        return;
    end if;
    update tenant_session_seats set used = used + 1
    where (tenant_id, shard) = (select tenant_id, shard from tenant_session_seats
                                where tenant_id = p_tenant and used < capacity
                                limit 1 for update);
    if found then
        return;
    end if;
    raise exception 'tenant % has no concurrent-session seat left', p_tenant using errcode = 'DPQ01';
end $$;
