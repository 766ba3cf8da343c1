package io.deskport.provisioning.planner;

/**
 * Something the planner wanted to do but could not (or a condition the admin should see, such as why a
 * demand-driven pool keeps the spares it keeps), with how many times it happened in the cycle.
 *
 * @param poolId the pool
 * @param code   what held it back
 * @param count  how many actions it held back
 * @param detail the numbers behind it, for people
 */
public record PlanNote(String poolId, Code code, int count, String detail) {

    /** What held actions back. */
    public enum Code {
        /** The pool is at its maximum size. */
        POOL_AT_MAX,
        /** The pool's concurrent operation limit is reached. */
        POOL_OPERATION_LIMIT,
        /** The host's concurrent operation limit is reached. */
        HOST_OPERATION_LIMIT,
        /** No healthy host outside maintenance has room for another desktop. */
        NO_HOST_CAPACITY,
        /** The desktop's host is unreachable or quarantined. */
        HOST_UNAVAILABLE,
        /** A persistent desktop failed; it holds a user's data, so an admin decides. */
        FAILED_DESKTOP_NEEDS_ADMIN,
        /** Shared pools are served by session hosts; the VM planner skips them. */
        SHARED_POOL_SKIPPED,
        /** The tenant has its maximum of desktops: the pool does not grow. */
        TENANT_QUOTA,
        /** A PER_DESKTOP licence the pool consumes has no seat left: the pool does not grow. */
        LICENCE_EXHAUSTED,
        /**
         * Not a hold-back: the pool's demand model set its spare target this cycle; {@code count} is the target,
         * {@code detail} the numbers behind it ("forecast 14 logons in the next 10 min, ready time 95 s").
         */
        SPARE_FORECAST,
        /** Not a hold-back: ready spares beyond the forecast were powered off; {@code count} of them. */
        SPARES_POWERED_OFF
    }
}
