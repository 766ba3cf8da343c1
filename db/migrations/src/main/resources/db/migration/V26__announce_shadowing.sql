-- Shadowing (issue 22): whether a pool's users are told, in their portal, while an admin or help-desk agent views
-- their screen. Owned by pools; on by default, so a pool made before this release announces shadowing too.
alter table desktop_pool add column announce_shadowing boolean not null default true;

-- pools' published read model of pools, with the new column last (a view can only grow at its end)
create or replace view pools_pools as
    select id, tenant_id, name, description, kind, enabled, load_balancing, idle_timeout_s, idle_action,
           disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s, created_at, updated_at,
           announce_shadowing
    from desktop_pool;
