/**
 * The connect flow and the life of sessions: connect/reconnect in one short transaction, disconnect,
 * logoff, timeouts. Public face: {@link io.deskport.broker.brokering.ConnectService},
 * {@link io.deskport.broker.brokering.SessionLifecycle} (for the tunnel) and the
 * {@link io.deskport.broker.brokering.SessionStateChanged} event.
 */
@ApplicationModule(displayName = "Brokering", allowedDependencies = {"shared", "tenancy", "pools", "hosts", "licensing"})
@Tables(owns = {"session"})
package io.deskport.broker.brokering;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
