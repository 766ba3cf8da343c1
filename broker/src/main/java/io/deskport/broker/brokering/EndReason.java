package io.deskport.broker.brokering;

/** Why a session ended. */
public enum EndReason {
    /** The user logged off. */
    LOGOFF,
    /** An admin or help-desk agent logged the session off. */
    ADMIN_LOGOFF,
    /** Disconnected for longer than the pool's disconnect timeout. */
    DISCONNECT_TIMEOUT,
    /** No input for the pool's idle timeout, and the pool logs idle sessions off. */
    IDLE_TIMEOUT,
    /** Reached the pool's maximum session length. */
    MAX_SESSION_LENGTH,
    /** Its desktop could not be provisioned or started. */
    PROVISIONING_FAILED,
    /** Its session host stopped answering. */
    HOST_LOST,
    /** Its user, desktop, host or pool was removed. */
    RESOURCE_REMOVED,
    /** Its desktop session ended on its host by itself: the user logged off inside it, or it died. */
    SESSION_EXITED,
    /** Its desktop's console could not be reached, several attempts in a row (see {@link ConsoleFailure}). */
    DESKTOP_UNREACHABLE
}
