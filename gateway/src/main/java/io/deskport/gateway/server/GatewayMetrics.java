package io.deskport.gateway.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * What the gateway streamed, as Micrometer meters: {@code deskport.gateway.frames} (display frames sent to viewers; its
 * rate is frames/s), {@code deskport.gateway.bytes} (bytes written to viewers; bytes/s), {@code
 * deskport.gateway.input.latency} (a timer with a histogram: from a key press received from a viewer to the next
 * display frame queued to that viewer — what the desktop and the gateway add to a keystroke's echo, the network to the
 * browser excluded) and {@code deskport.gateway.connections} (desktop connections open). The broker passes its own
 * registry to an embedded gateway; the standalone daemon serves its own at {@code /metrics}.
 */
public final class GatewayMetrics {

    public static final String FRAMES = "deskport.gateway.frames";
    public static final String BYTES = "deskport.gateway.bytes";
    public static final String INPUT_LATENCY = "deskport.gateway.input.latency";
    public static final String CONNECTIONS = "deskport.gateway.connections";

    private final Counter frames;
    private final Counter bytes;
    private final Timer inputLatency;
    private final MeterRegistry registry;

    /** @param registry where the meters go */
    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.frames = Counter.builder(FRAMES).description("Display frames sent to viewers").register(registry);
        this.bytes = Counter.builder(BYTES).baseUnit("bytes").description("Bytes sent to viewers").register(registry);
        this.inputLatency = Timer.builder(INPUT_LATENCY)
                .description("From a key press received from a viewer to the next display frame queued to it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Meters that go nowhere (a registry with no backend: recording costs next to nothing). */
    static GatewayMetrics none() {
        return new GatewayMetrics(new CompositeMeterRegistry());
    }

    void connectionsFrom(Supplier<Number> open) {
        Gauge.builder(CONNECTIONS, open).description("Desktop connections open on this gateway").register(registry);
    }

    void frame() {
        frames.increment();
    }

    void bytes(int count) {
        bytes.increment(count);
    }

    void inputAnswered(long nanos) {
        inputLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
