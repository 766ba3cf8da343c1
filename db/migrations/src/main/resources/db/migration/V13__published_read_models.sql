-- The read models modules publish for one another. Each table belongs to one module of the broker (named
-- on the module's package-info, @Tables); another module's SQL reads it only through these views, which are
-- the owner's public face in SQL: the columns others may rely on, nothing they may write. The planner
-- inlines a view, so reading one costs what reading the table costs.

-- tenancy
create view tenancy_users as
    select id, tenant_id, username, display_name, enabled from app_user;
create view tenancy_groups as
    select id, tenant_id, name from user_group;
create view tenancy_group_members as
    select tenant_id, group_id, user_id from group_member;

-- pools
create view pools_pools as
    select id, tenant_id, name, description, kind, enabled, load_balancing, idle_timeout_s, idle_action,
           disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s, created_at, updated_at
    from desktop_pool;
-- who may use which pool: entitled directly, or through a group (one row per way)
create view pools_entitled_users as
    select e.tenant_id, e.pool_id, e.user_id from entitlement e where e.user_id is not null
    union all
    select e.tenant_id, e.pool_id, m.user_id
    from entitlement e join tenancy_group_members m on m.group_id = e.group_id
    where e.group_id is not null;
create view pools_desktops as
    select id, tenant_id, pool_id, name, state, state_changed_at, assigned_user_id, console_host, console_port,
           console_password
    from desktop;

-- hosts
create view hosts_session_hosts as
    select id, tenant_id, pool_id, name, console_host, console_port, console_password from session_host;
