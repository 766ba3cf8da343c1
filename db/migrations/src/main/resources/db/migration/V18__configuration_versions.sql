-- Optimistic concurrency for the configuration model (Hibernate's @Version): every configuration aggregate
-- has a version that each change raises by one. The API answers it as the resource's ETag and refuses a
-- change made from an older one (412 STALE_VERSION). Hot-path columns on the same rows (a tenant's
-- desktop_count, a session host's live counters, a pool's provisioning progress) are written by plain SQL
-- and do not move it: the version says which configuration an admin saw, not how busy the object is.
alter table tenant add column version bigint not null default 0;
alter table app_user add column version bigint not null default 0;
alter table user_group add column version bigint not null default 0;
alter table desktop_pool add column version bigint not null default 0;
alter table entitlement add column version bigint not null default 0;
alter table session_host add column version bigint not null default 0;
alter table hypervisor_host add column version bigint not null default 0;
alter table image_version add column version bigint not null default 0;
alter table pool_provisioning add column version bigint not null default 0;
alter table shared_pool_session_settings add column version bigint not null default 0;
