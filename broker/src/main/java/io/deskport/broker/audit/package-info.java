/**
 * The append-only audit trail: every admin change and every session transition, written in the
 * transaction that made the change (so nothing is done without its record), and queryable by admins.
 */
@ApplicationModule(displayName = "Audit", allowedDependencies = {"shared", "brokering", "licensing"})
@Tables(owns = {"audit_event"})
package io.deskport.broker.audit;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
