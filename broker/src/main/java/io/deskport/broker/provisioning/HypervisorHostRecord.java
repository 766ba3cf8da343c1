package io.deskport.broker.provisioning;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A hypervisor host's registration as Hibernate maps it ({@code hypervisor_host}): the capacity an admin sets,
 * and its own overcommit ratios, with its version. The driver settings (JSON), the inventory and the health columns of the same row are the
 * reconciler's and the registration's SQL ({@link HypervisorHosts}), and are deliberately not mapped.
 */
@Entity
@Table(name = "hypervisor_host")
class HypervisorHostRecord {

    @Id
    UUID id;
    @Column(nullable = false, updatable = false, insertable = false)
    String name;
    @Column(name = "cpu_total", insertable = false)
    Integer cpuTotal;
    @Column(name = "memory_total_mib", insertable = false)
    Long memoryTotalMiB;
    @Column(name = "storage_total_mib", insertable = false)
    Long storageTotalMiB;
    @Column(name = "cpu_overcommit")
    Double cpuOvercommit;
    @Column(name = "memory_overcommit")
    Double memoryOvercommit;
    @Column(name = "storage_overcommit")
    Double storageOvercommit;
    @Version
    long version;
}
