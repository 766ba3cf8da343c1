/**
 * What an operator watches the broker with: the Prometheus scrape's own security chain ({@code /actuator/prometheus}
 * with {@code deskport.metrics.scrape-token}), the request's ids in the log's MDC ({@link
 * io.deskport.broker.observability.LogContext}) and the connect's and tunnel's trace spans. The meters themselves live
 * in the modules whose figures they show (each reads its own tables); this module owns no table.
 */
@ApplicationModule(displayName = "Observability", allowedDependencies = {"shared"})
@Tables
package io.deskport.broker.observability;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
