-- Access tokens that no longer count (issue 15, finding 2), owned by the identity module. Either one token
-- (token_id: signed out) or every token of a user issued up to not_before (disabled, demoted, removed, password
-- reset). A row is kept until every token it can concern has expired (expires_at). Each broker keeps the rows
-- in memory and reads the recent ones every second, so a revocation holds on every replica within seconds
-- without a database read per request.
create table token_revocation (
    id          bigint generated always as identity primary key,
    tenant_id   uuid not null,
    user_id     uuid not null,
    token_id    text,
    not_before  timestamptz,
    expires_at  timestamptz not null,
    reason      text not null,
    created_at  timestamptz not null default now(),
    check ((token_id is null) <> (not_before is null))
);
create index token_revocation_recent on token_revocation (created_at);
