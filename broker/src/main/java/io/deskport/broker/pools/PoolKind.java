package io.deskport.broker.pools;

/** How a pool hands out desktops. */
public enum PoolKind {
    /** A dedicated desktop per user, assigned on first connect (or by an admin) and kept after logoff. */
    PERSISTENT,
    /** Floating desktops: a free ready desktop per session, returned (and refreshed) after logoff. */
    POOLED,
    /** Sessions on multi-user session hosts chosen by the pool's load-balancing rule. */
    SHARED
}
