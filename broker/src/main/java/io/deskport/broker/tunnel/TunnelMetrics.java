package io.deskport.broker.tunnel;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** {@code deskport.tunnels.open}: the users' tunnels open on this broker (shadows not counted), read from memory. */
@Component
class TunnelMetrics implements MeterBinder {

    static final String OPEN = "deskport.tunnels.open";

    private final LiveTunnels live;

    TunnelMetrics(LiveTunnels live) {
        this.live = live;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(OPEN, live, LiveTunnels::count).description("Users' tunnels open on this broker replica")
                .register(registry);
    }
}
