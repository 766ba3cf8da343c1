package io.deskport.broker.tunnel;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;
import org.springframework.web.socket.server.standard.ServerEndpointRegistration;

/**
 * Registers the tunnel's WebSocket endpoints with the subprotocol {@code guacamole}: a user's desktop at
 * {@code /tunnel}, an admin's view-only shadow of one at {@value ShadowTickets#PATH}.
 */
@Configuration(proxyBeanMethods = false)
class TunnelConfiguration {

    @Bean
    static ServerEndpointExporter serverEndpointExporter() {
        return new ServerEndpointExporter();
    }

    @Bean
    ServerEndpointRegistration tunnelEndpoint() {
        // a new endpoint per connection, built by the bean factory (constructor injection)
        ServerEndpointRegistration registration = new ServerEndpointRegistration("/tunnel", TunnelEndpoint.class);
        registration.setSubprotocols(List.of("guacamole"));
        return registration;
    }

    @Bean
    ServerEndpointRegistration shadowEndpoint() {
        ServerEndpointRegistration registration = new ServerEndpointRegistration(ShadowTickets.PATH, ShadowEndpoint.class);
        registration.setSubprotocols(List.of("guacamole"));
        return registration;
    }
}
