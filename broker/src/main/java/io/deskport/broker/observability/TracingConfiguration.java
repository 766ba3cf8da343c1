package io.deskport.broker.observability;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Which spans are recorded. Tracing off ({@code management.tracing.export.enabled}, false by default): none — Spring
 * Boot would otherwise still record spans (its scheduled tasks' ones) for any span exporter there is. On: the broker's
 * own spans at {@code management.tracing.sampling.probability}, but not the scheduled background loops' ones
 * ({@code task …}: some run every second on every replica; they would bury the connects and tunnels in the collector).
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    @Bean
    Sampler deskportSampler(@Value("${management.tracing.export.enabled:false}") boolean exported,
                            @Value("${management.tracing.sampling.probability:1.0}") double probability) {
        if (!exported) {
            return Sampler.alwaysOff();
        }
        Sampler sampled = Sampler.parentBased(Sampler.traceIdRatioBased(probability));
        return new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
                                               Attributes attributes, List<LinkData> links) {
                if (name.startsWith("task ")) {
                    return SamplingResult.drop();
                }
                return sampled.shouldSample(parent, traceId, name, kind, attributes, links);
            }

            @Override
            public String getDescription() {
                return "deskport(no scheduled tasks, " + sampled.getDescription() + ")";
            }
        };
    }
}
