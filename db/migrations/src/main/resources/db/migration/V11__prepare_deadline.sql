-- Every transient state has an owner and a deadline (issue 14).
-- A session PREPARING longer than its pool's prepare timeout (null: the platform default,
-- deskport.sessions.prepare-timeout) is ended as PROVISIONING_FAILED by the session timers.
alter table desktop_pool add column prepare_timeout_s integer
    constraint desktop_pool_prepare_timeout_positive check (prepare_timeout_s is null or prepare_timeout_s between 10 and 86400);

-- The timers look for PREPARING sessions past their deadline on every pass.
create index session_preparing on session (state_changed_at) where state = 'PREPARING';
