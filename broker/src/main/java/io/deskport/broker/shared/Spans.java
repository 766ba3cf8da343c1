package io.deskport.broker.shared;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * Trace spans round the broker's own steps (the connect transaction, the tunnel's set-up), exported over OTLP when
 * {@code management.tracing.export.enabled=true}. Off (the default), {@link #start} hands back one shared do-nothing
 * span: the connect path pays a method call, no allocation, no clock reading.
 */
@Component
public class Spans {

    private static final Traced OFF = new Traced(null, null);

    private final Tracer tracer;

    Spans(ObjectProvider<Tracer> tracers, Environment env) {
        boolean on = env.getProperty("management.tracing.export.enabled", Boolean.class, false);
        Tracer t = on ? tracers.getIfAvailable() : null;
        this.tracer = t == Tracer.NOOP ? null : t;
    }

    /** @return whether spans are recorded and exported */
    public boolean enabled() {
        return tracer != null;
    }

    /** Starts a span (a child of the current one, if any) and makes it current until it is closed. */
    public Traced start(String name) {
        if (tracer == null) {
            return OFF;
        }
        Span span = tracer.nextSpan().name(name).start();
        return new Traced(span, tracer.withSpan(span));
    }

    /** A started span; closing it ends it. The disabled one ignores everything. */
    public static final class Traced implements AutoCloseable {

        private final Span span;
        private final Tracer.SpanInScope scope;

        private Traced(Span span, Tracer.SpanInScope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** Adds an attribute (its value's {@code toString()}, computed only when the span is recorded). */
        public Traced tag(String key, Object value) {
            if (span != null && value != null) {
                span.tag(key, value.toString());
            }
            return this;
        }

        /** Marks the span failed. */
        public void error(Throwable failure) {
            if (span != null) {
                span.error(failure);
            }
        }

        @Override
        public void close() {
            if (span != null) {
                scope.close();
                span.end();
            }
        }
    }
}
