package io.deskport.broker.pools;

/** How a SHARED pool picks a session host for a new session. */
public enum LoadBalancing {
    /** The host with the fewest sessions: spreads users for performance. */
    BREADTH_FIRST,
    /** The fullest host that still has room: packs users so idle hosts can be powered down. */
    DEPTH_FIRST
}
