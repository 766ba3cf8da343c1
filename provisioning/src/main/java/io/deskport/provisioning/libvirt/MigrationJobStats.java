package io.deskport.provisioning.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import org.libvirt.Domain;
import org.libvirt.jna.DomainPointer;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;

/**
 * The figures libvirt keeps about a domain's last completed job ({@code virDomainGetJobStats} with
 * {@code VIR_DOMAIN_JOB_STATS_COMPLETED}): after an incoming migration the destination knows the guest's downtime
 * and the memory sent. The Java binding 0.5.3 has no {@code virDomainGetJobStats} (only the older job info without
 * downtime), so this calls the C library through JNA itself.
 *
 * @param elapsed      how long the job ran
 * @param downtime     how long the guest was paused for the switch-over; empty if libvirt did not report it
 * @param memoryBytes  memory transferred
 */
record MigrationJobStats(Duration elapsed, Optional<Duration> downtime, long memoryBytes) {

    private static final int COMPLETED = 1;

    /** The few libvirt functions the binding lacks. */
    interface JobStatsLibrary extends Library {
        JobStatsLibrary INSTANCE = Native.load("virt", JobStatsLibrary.class);

        int virDomainGetJobStats(Pointer domain, IntByReference type, PointerByReference params, IntByReference nparams,
                                 int flags);

        int virTypedParamsGetULLong(Pointer params, int nparams, String name, LongByReference value);

        void virTypedParamsFree(Pointer params, int nparams);
    }

    /** Reads the last completed job of {@code d}; empty if libvirt keeps none (or the call fails). */
    static Optional<MigrationJobStats> completedJob(Domain d) {
        Pointer domain = pointer(d);
        IntByReference type = new IntByReference();
        PointerByReference params = new PointerByReference();
        IntByReference count = new IntByReference();
        if (JobStatsLibrary.INSTANCE.virDomainGetJobStats(domain, type, params, count, COMPLETED) < 0
                || params.getValue() == null) {
            return Optional.empty();
        }
        try {
            Pointer p = params.getValue();
            int n = count.getValue();
            Optional<Long> elapsed = ulong(p, n, "time_elapsed");
            Optional<Long> downtime = ulong(p, n, "downtime");
            long memory = ulong(p, n, "memory_processed").orElse(0L);
            return Optional.of(new MigrationJobStats(Duration.ofMillis(elapsed.orElse(0L)),
                    downtime.map(Duration::ofMillis), memory));
        } finally {
            JobStatsLibrary.INSTANCE.virTypedParamsFree(params.getValue(), count.getValue());
        }
    }

    private static Optional<Long> ulong(Pointer params, int n, String name) {
        LongByReference value = new LongByReference();
        return JobStatsLibrary.INSTANCE.virTypedParamsGetULLong(params, n, name, value) == 1
                ? Optional.of(value.getValue()) : Optional.empty();
    }

    /** The binding keeps the domain's native pointer package-private. */
    private static Pointer pointer(Domain d) {
        try {
            Field f = Domain.class.getDeclaredField("vdp");
            f.setAccessible(true);
            return ((DomainPointer) f.get(d)).getPointer();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this libvirt Java binding hides the domain pointer: " + e, e);
        }
    }
}
