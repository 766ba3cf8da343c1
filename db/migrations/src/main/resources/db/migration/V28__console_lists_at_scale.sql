-- The admin console's lists at scale (issue #22, measured by bench/console over 1,000,000 audit lines and 100,000
-- sessions; bench/README.md has the figures before and after). Each index serves one filter or sort a console page
-- offers, as an index range in the list's order, so that its page and its capped count (X-Total-Count) read what
-- they show instead of the tenant's whole trail or history.
--
-- The audit trail as the console reads it: newest first by time (sort=-occurredAt), filtered by a time range, an
-- actor or an action. Without these the page walked the primary key backwards through every tenant's newer lines
-- (a filter by actor: 0.8 s; by a rare action: 0.4 s; a day a week ago: 0.4 s) and the count scanned the table.
-- Each costs every recorded line one more index entry (bench/README.md: what a line and a session change cost).
create index audit_by_time on audit_event (tenant_id, occurred_at, id);
create index audit_by_actor on audit_event (tenant_id, actor_id, occurred_at, id) where actor_id is not null;
create index audit_by_action on audit_event (tenant_id, action, occurred_at, id);

-- Sessions, ended ones too (the console's "All, ended ones too"): the history of a pool or of a session host.
-- Without these the count read every session of the tenant. Only ended sessions are in them: a session's row is
-- written (a new version, each index an entry) at every change of its state, but it ends once and never changes
-- after, so each costs one entry per session, written by its end and never by a connect. The live ones are found
-- by the live sessions' indexes (session_one_live_per_user_pool); SessionQueries asks for both halves.
create index session_ended_by_pool on session (pool_id, created_at, id) where state = 'ENDED';
create index session_ended_by_host on session (session_host_id, created_at, id)
    where state = 'ENDED' and session_host_id is not null;

-- Not indexed: sessions, ended ones too, sorted by their last change (sort=stateChangedAt with liveOnly=false). An
-- index on state_changed_at would take an entry at every write of every session, the connect's own included; that
-- one list stays a sort of the tenant's sessions (bench/README.md).
