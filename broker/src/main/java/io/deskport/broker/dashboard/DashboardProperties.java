package io.deskport.broker.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The dashboard's event stream ({@code deskport.dashboard.*}).
 *
 * @param pushInterval    the least time between two readings of one tenant's dashboard: changes within it are pushed
 *                        together, once, to every subscriber of the tenant
 * @param heartbeatInterval how often an idle stream gets a comment line (so that proxies keep it open), and the
 *                        subscriber's access token is checked again
 * @param refreshInterval how often a dashboard with subscribers is read again even without a change this broker heard
 *                        of (heartbeats, inventories, the clock); pushed only when a figure differs
 * @param maxSubscribers  streams this broker serves at once; more are refused (503 SERVICE_UNAVAILABLE, Retry-After)
 * @param maxSubscribersPerUser streams one user has open on this broker at once (tabs, and pages reloaded before the
 *                        broker noticed the old stream gone); a new one beyond ends the user's oldest
 */
@Validated
@ConfigurationProperties("deskport.dashboard")
record DashboardProperties(@DefaultValue("1s") Duration pushInterval,
                           @DefaultValue("15s") Duration heartbeatInterval,
                           @DefaultValue("30s") Duration refreshInterval,
                           @DefaultValue("200") int maxSubscribers,
                           @DefaultValue("5") int maxSubscribersPerUser) {

    DashboardProperties {
        if (pushInterval.isNegative() || heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                || refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("deskport.dashboard intervals must be positive (push-interval may be 0)");
        }
        if (maxSubscribers < 1 || maxSubscribersPerUser < 1) {
            throw new IllegalArgumentException("deskport.dashboard.max-subscribers(-per-user) must be at least 1");
        }
    }
}
