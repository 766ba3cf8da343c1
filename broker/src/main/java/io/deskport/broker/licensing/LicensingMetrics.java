package io.deskport.broker.licensing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Licence products' seats and validity, one series per product (tags {@code product_id}, {@code product} (its name),
 * {@code tenant} (the tenant's id), {@code model}), read every {@code deskport.metrics.reading-interval} in one query:
 * {@code deskport.licence.seats.used}, {@code deskport.licence.seats.capacity} (the seats in force plus a SOFT
 * licence's overuse margin) and {@code deskport.licence.valid.until} (epoch seconds: when the last licence in force
 * stops counting, its grace days included; no series while one of them is perpetual or none is in force).
 */
@Component
class LicensingMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(LicensingMetrics.class);
    static final String USED = "deskport.licence.seats.used";
    static final String CAPACITY = "deskport.licence.seats.capacity";
    static final String VALID_UNTIL = "deskport.licence.valid.until";

    record ProductFigures(UUID id, UUID tenantId, String name, String model, long capacity, long used, Double validUntil) {
        Tags tags() {
            return Tags.of("product_id", id.toString(), "product", name, "tenant", tenantId.toString(), "model", model);
        }
    }

    private final JdbcClient jdbc;
    private MultiGauge used;
    private MultiGauge capacity;
    private MultiGauge validUntil;

    LicensingMetrics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        used = MultiGauge.builder(USED).description("Seats of the licence product held now").register(registry);
        capacity = MultiGauge.builder(CAPACITY).description("Seats of the licence product in force (with a SOFT margin)")
                .register(registry);
        validUntil = MultiGauge.builder(VALID_UNTIL).baseUnit("seconds")
                .description("When the product's last licence in force stops counting (epoch seconds)").register(registry);
        read();
    }

    @Scheduled(fixedDelayString = "${deskport.metrics.reading-interval:15s}",
            initialDelayString = "${deskport.metrics.reading-interval:15s}")
    void read() {
        if (used == null) {
            return;
        }
        try {
            List<ProductFigures> products = products();
            used.register(products.stream().map(p -> MultiGauge.Row.of(p.tags(), p.used())).toList(), true);
            capacity.register(products.stream().map(p -> MultiGauge.Row.of(p.tags(), p.capacity())).toList(), true);
            List<MultiGauge.Row<?>> expiries = new ArrayList<>();
            for (ProductFigures p : products) {
                if (p.validUntil() != null) {
                    expiries.add(MultiGauge.Row.of(p.tags(), p.validUntil()));
                }
            }
            validUntil.register(expiries, true);
        } catch (RuntimeException e) {
            log.warn("Could not read the licence products for the metrics; keeping the last reading: {}", e.toString());
        }
    }

    List<ProductFigures> products() {
        return jdbc.sql("select p.id, p.tenant_id, p.name, p.model, coalesce(s.capacity, 0), coalesce(s.used, 0), "
                        + "(select case when bool_or(l.valid_until is null) then null "
                        + "else extract(epoch from max(l.valid_until + make_interval(days => l.grace_days))) end "
                        + "from licence l where l.product_id = p.id and l.valid_from <= now()) "
                        + "from licence_product p left join (select product_id, sum(capacity) capacity, sum(used) used "
                        + "from licence_seat_shard group by product_id) s on s.product_id = p.id")
                .query((rs, n) -> new ProductFigures(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                        rs.getObject(7) == null ? null : rs.getDouble(7)))
                .list();
    }
}
