package io.deskport.broker.hosts;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Session-host agent settings ({@code deskport.hosts.*}).
 *
 * @param heartbeatInterval how often agents are told to send a heartbeat
 * @param heartbeatTimeout no heartbeat for this long → the host is UNREACHABLE (nothing placed on it)
 * @param lostSessionGrace UNREACHABLE for this long → its sessions end as HOST_LOST
 * @param monitorInterval how often the broker looks for silent hosts
 * @param enrolmentTokenTtl how long a one-time enrolment token may be used
 * @param commandRedelivery a command delivered but not acknowledged for this long is delivered again
 * @param maxCommandWait the longest an agent's command poll is held open
 * @param reportGrace a session missing from a heartbeat is ended only when its state is older than this
 *        (a heartbeat may be a snapshot taken before the session's last report)
 * @param prepareTimeout a session the agent has not made READY in this time is ended as failed
 * @param powerOffTimeout a host still heartbeating this long after it was told to power off did not
 * @param wakeTimeout a host woken that has not heartbeated in this time is sent another magic packet
 * @param wakeAttempts magic packets sent in all before a wake is given up
 */
@Validated
@ConfigurationProperties("deskport.hosts")
record HostsProperties(@DefaultValue("3s") Duration heartbeatInterval,
                              @DefaultValue("15s") Duration heartbeatTimeout,
                              @DefaultValue("60s") Duration lostSessionGrace,
                              @DefaultValue("2s") Duration monitorInterval,
                              @DefaultValue("24h") Duration enrolmentTokenTtl,
                              @DefaultValue("30s") Duration commandRedelivery,
                              @DefaultValue("15s") Duration maxCommandWait,
                              @DefaultValue("10s") Duration reportGrace,
                              @DefaultValue("60s") Duration prepareTimeout,
                              @DefaultValue("5m") Duration powerOffTimeout,
                              @DefaultValue("3m") Duration wakeTimeout,
                              @DefaultValue("3") int wakeAttempts) {

    public HostsProperties {
        if (wakeAttempts < 1) {
            throw new IllegalArgumentException("deskport.hosts.wake-attempts must be at least 1 (got " + wakeAttempts + ")");
        }
        if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("deskport.hosts.heartbeat-timeout (" + heartbeatTimeout
                    + ") must be at least twice the heartbeat interval (" + heartbeatInterval + ")");
        }
    }
}
