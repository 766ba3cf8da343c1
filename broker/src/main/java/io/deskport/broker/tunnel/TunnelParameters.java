package io.deskport.broker.tunnel;

import java.util.List;
import java.util.Map;

/** The query parameters of a tunnel's WebSocket URL ({@code token}, {@code width}, {@code height}, {@code dpi}). */
final class TunnelParameters {

    private TunnelParameters() {
    }

    /** @return the parameter's first value, or null */
    static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** @return the client's screen as the URL gives it (1024×768 at 96 dpi where it does not), named {@code userName} */
    static GatewayConnector.ClientScreen screen(Map<String, List<String>> params, String userName) {
        return new GatewayConnector.ClientScreen(bounded(first(params, "width"), 1024, 8192),
                bounded(first(params, "height"), 768, 8192), bounded(first(params, "dpi"), 96, 1200), userName);
    }

    /** @return the number, when it is one between 1 and {@code max}; else {@code fallback} */
    static int bounded(String value, int fallback, int max) {
        try {
            int v = Integer.parseInt(value);
            return v >= 1 && v <= max ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
