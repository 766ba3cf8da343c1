package io.deskport.provisioning.planner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one planning cycle looks at.
 *
 * @param now                        the planning instant (for idle power-off and quarantine)
 * @param hosts                      the hypervisor hosts desktops can live on
 * @param operationsInFlightPerHost  operations of all pools still running, per host id
 * @param pools                      the pools to reconcile
 */
public record PlanningInput(Instant now, List<HostView> hosts, Map<String, Integer> operationsInFlightPerHost,
                            List<PoolSnapshot> pools) {

    public PlanningInput {
        Objects.requireNonNull(now, "now");
        hosts = List.copyOf(hosts);
        operationsInFlightPerHost = Map.copyOf(operationsInFlightPerHost == null ? Map.of() : operationsInFlightPerHost);
        pools = List.copyOf(pools);
    }
}
