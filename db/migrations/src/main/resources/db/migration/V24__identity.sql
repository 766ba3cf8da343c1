-- Identity (issue 21), owned by the identity module: Keycloak as the identity broker beside local accounts.

-- Tenants that are organizations of the platform realm: a token of that realm names its organization (the
-- `organization` claim, the alias), and the alias names the tenant. Written by tenant onboarding (or by an
-- operator linking an existing organization); disabled by offboarding.
create table identity_organization (
    tenant_id       uuid primary key references tenant (id) on delete cascade,
    alias           text not null unique check (alias ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    organization_id text unique,
    domains         text[] not null default '{}',
    enabled         boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

-- Realms dedicated to one tenant: the API also accepts tokens of these issuers (keys from each one's JWKS), and
-- every user of such a realm belongs to its tenant.
create table identity_issuer (
    issuer     text primary key check (issuer ~ '^https?://[^ ]+$'),
    tenant_id  uuid not null unique references tenant (id) on delete cascade,
    realm      text not null,
    audience   text not null,
    enabled    boolean not null default true,
    created_at timestamptz not null default now()
);

-- Who a token's subject is in Deskport: created on the user's first sign-in (just in time), updated when a token
-- says something else (claims_hash: the name, e-mail, roles and groups the last update wrote).
create table external_identity (
    issuer      text not null,
    subject     text not null,
    tenant_id   uuid not null references tenant (id) on delete cascade,
    user_id     uuid not null unique,
    claims_hash text not null,
    first_seen  timestamptz not null default now(),
    last_synced timestamptz not null default now(),
    primary key (issuer, subject)
);
create index external_identity_tenant on external_identity (tenant_id);

-- A sign-in session ended at the identity provider (OIDC back-channel logout, or the user disabled there):
-- every token carrying its `sid` stops counting. The user may not be known yet (never seen by Deskport): such
-- rows have no tenant or user.
alter table token_revocation add column session_id text;
alter table token_revocation alter column tenant_id drop not null;
alter table token_revocation alter column user_id drop not null;
alter table token_revocation drop constraint token_revocation_check;
alter table token_revocation add constraint token_revocation_one_kind
    check (num_nonnulls(token_id, not_before, session_id) = 1
           and (session_id is not null or (tenant_id is not null and user_id is not null)));

-- Sign-ins of the portal through the identity provider (backend for frontend): the provider's tokens stay here,
-- the browser holds only the broker's HttpOnly cookie (whose token id is token_id). The refresh token is sealed
-- (AES-GCM with a platform key) and used to sign out at the provider when the user signs out of the portal.
create table oidc_sign_in (
    token_id       text primary key,
    tenant_id      uuid not null references tenant (id) on delete cascade,
    user_id        uuid not null,
    issuer         text not null,
    session_id     text,
    id_token       text not null,
    refresh_sealed bytea,
    expires_at     timestamptz not null,
    created_at     timestamptz not null default now()
);
create index oidc_sign_in_session on oidc_sign_in (session_id);
create index oidc_sign_in_expiry on oidc_sign_in (expires_at);

-- Service accounts: integrations that call the API with client credentials and scopes, limited to one tenant or
-- (platform_wide, e.g. the operator's billing system) to every tenant. Local ones have a secret here and get
-- the broker's tokens from /api/v1/auth/token; Keycloak ones (issuer set) are clients of that realm whose
-- client-credentials tokens the API accepts for client_id. The scopes a token may use are the ones granted here,
-- and of those only the ones the token carries.
create table service_account (
    id            uuid primary key,
    tenant_id     uuid not null references tenant (id) on delete cascade,
    client_id     text not null check (client_id ~ '^[A-Za-z0-9._:-]{3,100}$'),
    name          text not null check (length(name) between 1 and 200),
    scopes        text[] not null check (scopes <@ array['usage:read', 'admin:read', 'admin:write', 'sessions:write']),
    platform_wide boolean not null default false,
    issuer        text,
    secret_hash   text,
    enabled       boolean not null default true,
    version       bigint not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    check ((issuer is null) = (secret_hash is not null))
);
create unique index service_account_client on service_account (coalesce(issuer, ''), client_id);
create index service_account_tenant on service_account (tenant_id);

-- How far each realm's admin events are handled (the watch of users disabled in Keycloak): whichever broker
-- takes the watch's lock goes on from here, so no event is acted on twice.
create table identity_watch (
    realm          text primary key,
    handled_up_to  bigint not null
);
