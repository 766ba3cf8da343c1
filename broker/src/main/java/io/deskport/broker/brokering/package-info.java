/**
 * The connect flow and the life of sessions: connect/reconnect in one short transaction, disconnect,
 * logoff, timeouts. Public face: {@link io.deskport.broker.brokering.ConnectService},
 * {@link io.deskport.broker.brokering.SessionLifecycle} (for the tunnel), the
 * {@link io.deskport.broker.brokering.SessionStateChanged} event, and the sessions in figures for the dashboard
 * ({@link io.deskport.broker.brokering.SessionActivity}: live sessions, the last day's hourly peaks, and the last
 * hour's connects and refusals, which each broker counts in memory and adds to {@code connect_tally} every couple of
 * seconds — {@link io.deskport.broker.brokering.ConnectOutcomesCounted}).
 */
@ApplicationModule(displayName = "Brokering", allowedDependencies = {"shared", "tenancy", "pools", "hosts", "licensing"})
@Tables(owns = {"session", "connect_tally"})
package io.deskport.broker.brokering;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
