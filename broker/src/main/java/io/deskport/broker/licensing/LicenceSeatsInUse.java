package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

/**
 * The seats of each licence product in use now against the licence in force, for the admin console's dashboard:
 * the compliance report {@code usage} ({@link LicenceReports#usage}), in the members a summary needs.
 */
@Service
public class LicenceSeatsInUse {

    private final LicenceReports reports;

    LicenceSeatsInUse(LicenceReports reports) {
        this.reports = reports;
    }

    /**
     * One product's seats now.
     *
     * @param seats the seats of the licence in force (0 when none is)
     * @param capacity the seats a connect may take: the seats, plus the overuse margin of a SOFT licence
     * @param seatsInUse seats held now
     * @param overuse seats in use beyond the seats
     * @param enforcement the licence in force's; null when none is
     * @param validUntil the end of the licence in force (null: perpetual, or none in force)
     * @param inGrace the licence in force has ended and counts in its grace period
     */
    public record ProductSeats(UUID productId, String name, LicenceModel model, int seats, int capacity, int seatsInUse,
                               int overuse, Enforcement enforcement, Instant validUntil, boolean inGrace) {

        /** Whether a licence is in force for the product. */
        public boolean licensed() {
            return enforcement != null;
        }
    }

    /** The tenant's products, by name. */
    public List<ProductSeats> of(UUID tenantId) {
        return reports.usage(tenantId).products().stream().map(p -> new ProductSeats(p.productId(), p.name(), p.model(),
                p.seats(), p.capacity(), p.seatsInUse(), p.overuse(), p.enforcement(),
                p.validUntil() == null ? null : p.validUntil().toInstant(), p.inGrace())).toList();
    }
}
