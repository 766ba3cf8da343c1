package io.deskport.broker.hosts;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A session host's registration as Hibernate maps it ({@code session_host}): what an admin edits, with its
 * version. The live columns of the same row — state, draining, active sessions, the agent's heartbeat figures —
 * belong to placement and the agents, written with plain SQL, and are deliberately not mapped: an admin's change
 * never writes them back.
 */
@Entity
@Table(name = "session_host")
class SessionHostRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false, insertable = false)
    UUID tenantId;
    @Column(nullable = false, insertable = false)
    String name;
    @Column(name = "max_sessions", nullable = false, insertable = false, columnDefinition = "positive_int")
    int maxSessions;
    @Version
    long version;
}
