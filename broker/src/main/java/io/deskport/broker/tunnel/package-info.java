/**
 * The browser's way to its desktop: one-time tunnel tickets, the Jakarta WebSocket endpoint
 * ({@code /tunnel}, subprotocol {@code guacamole}) with the pool's clipboard policy enforced on it, and the
 * connection to the display gateway (embedded, or a remote gateway / guacd) through guacamole-common.
 */
@ApplicationModule(displayName = "Tunnel", allowedDependencies = {"shared", "brokering"})
@Tables(owns = {"tunnel_token_use"})
package io.deskport.broker.tunnel;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
