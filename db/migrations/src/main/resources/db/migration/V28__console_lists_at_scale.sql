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

-- Sessions, ended ones too (the console's "All, ended ones too"): sorted by their last change, and the history of a
-- pool or of a session host. Without them: a sort of every session of the tenant (0.2–0.3 s), or a scan of them
-- all for the count.
create index session_by_state_change on session (tenant_id, state_changed_at, id);
create index session_by_pool on session (pool_id, created_at, id);
create index session_by_host on session (session_host_id, created_at, id) where session_host_id is not null;
