package io.deskport.broker.brokering;

import java.time.Instant;

/**
 * Issues the one-time ticket a client presents to open the tunnel to a session. Implemented by the
 * tunnel module; brokering uses it to hand a ticket out with every connect answer.
 */
public interface TunnelTickets {

    /** A ticket: the token and where to present it. */
    record Ticket(String token, Instant expiresAt, String path) {
    }

    Ticket issue(Session session);
}
