package io.deskport.broker.pools;

/** What happens to a connected session without input for the pool's idle timeout. */
public enum IdleAction {
    DISCONNECT,
    LOGOFF
}
