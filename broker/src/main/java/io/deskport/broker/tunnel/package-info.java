/**
 * The browser's way to its desktop: one-time tunnel tickets, the Jakarta WebSocket endpoint
 * ({@code /tunnel}, subprotocol {@code guacamole}) with the pool's clipboard policy enforced on it, and the
 * connection to the display gateway (embedded, or a remote gateway / guacd) through guacamole-common; the session
 * recordings the gateway writes; and shadowing — an admin's one-time shadow ticket
 * ({@code POST /api/v1/admin/sessions/{id}/shadow}), the view-only {@code /tunnel/shadow} that joins the user's
 * gateway connection and passes on nothing of the viewer's input, its audit lines, and the notice down the user's
 * own tunnel for pools that announce shadowing.
 */
@ApplicationModule(displayName = "Tunnel", allowedDependencies = {"shared", "brokering"})
@Tables(owns = {"tunnel_token_use"})
package io.deskport.broker.tunnel;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
