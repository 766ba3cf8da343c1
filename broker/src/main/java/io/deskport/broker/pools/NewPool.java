package io.deskport.broker.pools;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.deskport.broker.shared.OffOrAtLeast;

/**
 * A new pool as the admin API takes it ({@code POST /api/v1/admin/pools}, and the {@code pool} of a whole pool's
 * setup): its kind and session policy; members left out take their defaults (enabled, breadth first, idle →
 * disconnect, disconnected sessions logged off after an hour, no recording, the clipboard both ways). A
 * {@code disconnectTimeoutSeconds} of 0 keeps disconnected sessions until they end otherwise.
 */
public record NewPool(@NotBlank @Size(max = 200) String name, @Size(max = 2000) String description,
                      @NotNull PoolKind kind, Boolean enabled, LoadBalancing loadBalancing,
                      @Min(60) @Max(30 * NewPool.DAY) Integer idleTimeoutSeconds, IdleAction idleAction,
                      @OffOrAtLeast(10) @Max(30 * NewPool.DAY) Integer disconnectTimeoutSeconds,
                      @Min(60) @Max(365 * NewPool.DAY) Integer maxSessionSeconds, Boolean recordSessions,
                      @Min(10) @Max(NewPool.DAY) Integer prepareTimeoutSeconds, Boolean announceShadowing,
                      ClipboardPolicy clipboardPolicy) {

    static final int DAY = 86_400;

    /** @return the settings {@link DesktopPools#create} takes */
    public DesktopPools.PoolSettings settings() {
        return new DesktopPools.PoolSettings(name, description, kind, enabled, loadBalancing, idleTimeoutSeconds,
                idleAction, disconnectTimeoutSeconds, maxSessionSeconds, recordSessions, prepareTimeoutSeconds,
                announceShadowing, clipboardPolicy);
    }
}
