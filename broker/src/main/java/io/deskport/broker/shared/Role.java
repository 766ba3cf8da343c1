package io.deskport.broker.shared;

/** What a user may do. Roles are cumulative only where the security rules say so. */
public enum Role {
    /** Operates the whole installation: tenants and every tenant's objects. */
    PLATFORM_ADMIN,
    /** Administers one tenant: users, groups, pools, entitlements, desktops, hosts. */
    TENANT_ADMIN,
    /** Sees sessions, users and the audit trail of one tenant and can disconnect or log off sessions. */
    HELPDESK,
    /** Uses desktops they are entitled to. */
    USER
}
