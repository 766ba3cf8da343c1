package io.deskport.broker.observability;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;

/**
 * The observability tests' broker (one Spring context for all of them): a scrape token, figures read from the
 * database every second rather than every 15 s, tracing as configured by default (off) with an in-memory span
 * exporter that must stay empty.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@BrokerTest
@Import(InMemorySpans.class)
@TestPropertySource(properties = {
        "deskport.metrics.scrape-token=" + ObservabilityTestSettings.SCRAPE_TOKEN,
        "deskport.metrics.reading-interval=1s"})
@interface ObservabilityTestSettings {

    String SCRAPE_TOKEN = "scrape-token-for-the-observability-tests";
}
