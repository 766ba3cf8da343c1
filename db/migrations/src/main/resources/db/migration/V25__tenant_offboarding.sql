-- Tenant offboarding and onboarding (issue 21).

-- An offboarded tenant keeps its data (its audit trail, usage, configuration) but nobody of it signs in: owned by
-- tenancy, set by offboarding, cleared by reactivation.
alter table tenant add column offboarded_at timestamptz;

-- Onboardings with Keycloak in progress, owned by identity: written (and committed) before the first Keycloak call,
-- removed in the transaction that creates the tenant. A row that outlives its broker (a crash mid-way) is undone by
-- the onboarding reconciler: what Keycloak got for it (organization or realm, first admin) is removed.
create table identity_onboarding (
    slug            text primary key check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    dedicated_realm boolean not null,
    first_admin     text,
    started_at      timestamptz not null default now()
);
