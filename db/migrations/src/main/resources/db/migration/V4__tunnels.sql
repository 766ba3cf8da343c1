-- The tunnel currently attached to a session: a newer tunnel takes over, and only the current one may
-- mark the session disconnected when it closes (whichever broker replica serves it).
alter table session add column tunnel_id uuid;

-- One-time use of tunnel tokens. Tokens are signed by the broker (any replica verifies them); using one
-- inserts its id here, so a replayed token is refused by every replica.
create table tunnel_token_use (
    token_id   uuid primary key,
    session_id uuid not null,
    used_at    timestamptz not null default now(),
    expires_at timestamptz not null
);
create index tunnel_token_use_expiry on tunnel_token_use(expires_at);

-- Session recording is a pool policy: the gateway writes the Guacamole instruction stream of every
-- tunnel to a file a SessionRecording player can replay.
alter table desktop_pool add column record_sessions boolean not null default false;
