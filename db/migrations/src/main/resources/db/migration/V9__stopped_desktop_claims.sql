-- A connect claims a stopped desktop (to start it) when no free desktop of the pool is READY: after a
-- night of power management, that is every connect of a Monday-morning logon storm.
--
-- That claim had no index of its own. Its cached plan walked the primary key in id order and filtered on
-- pool and state, so each claim stepped over every desktop the earlier claims had taken: with 8,000
-- desktops in 4 pools, 550 claims into one pool left the next one reading 5,384 buffers (3.9 ms). This is
-- the READY claim's partial index (desktop_claimable) for STOPPED: the next claim reads 4 buffers.

create index desktop_startable on desktop(pool_id, id) where state = 'STOPPED' and assigned_user_id is null;
