package io.deskport.broker.observability;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/** The tracing tests' stand-in for an OTLP collector (none can run here): spans exported into memory. */
@TestConfiguration(proxyBeanMethods = false)
class InMemorySpans {

    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }
}
