-- The live sessions' index covers the live states by name, no longer "state <> 'ENDED'".
--
-- After an ANALYZE (or VACUUM) that found no live session, e.g. at night when every session has ended, the planner
-- takes every index limited to live sessions as empty until the next one, however many sessions have gone live
-- since. A lookup by a live session's key ("pool_id = ? and user_id = ? and state <> 'ENDED'", the connect's first
-- read) could then use any of them, and it took this one, which has no key: in a logon storm each connect scanned
-- every live session (bench/metering, 2026-12-07: the connect's read at 3-4 ms of PostgreSQL instead of ~0.1 ms for
-- the whole of a saturation phase). With this predicate the lookups, which say "state <> 'ENDED'", cannot use this
-- index; the reads that scan live sessions say "state in (<these four>)" (brokering's SessionState.LIVE_LIST) and
-- use it as before. The session_state domain allows these four and ENDED.
drop index session_live_by_state;
create index session_live_by_state on session (state, state_changed_at)
    where state in ('PREPARING', 'READY', 'CONNECTED', 'DISCONNECTED');
