package io.deskport.gateway.protocol;

import java.util.List;

/**
 * What a Guacamole client told the server about itself during the handshake.
 *
 * @param width          optimal display width in pixels
 * @param height         optimal display height in pixels
 * @param dpi            optimal resolution in DPI
 * @param audioMimetypes audio formats the client can play
 * @param videoMimetypes video formats the client can play
 * @param imageMimetypes image formats the client can decode besides PNG (e.g. {@code image/jpeg})
 * @param timezone       the client's time zone, or empty
 * @param name           the user's name (protocol 1.5.0), or empty
 * @param version        the protocol version the client chose, e.g. {@code VERSION_1_5_0}
 */
public record ClientInfo(int width, int height, int dpi, List<String> audioMimetypes,
                         List<String> videoMimetypes, List<String> imageMimetypes, String timezone,
                         String name, String version) {

    public ClientInfo {
        audioMimetypes = List.copyOf(audioMimetypes);
        videoMimetypes = List.copyOf(videoMimetypes);
        imageMimetypes = List.copyOf(imageMimetypes);
    }

    /** @return true if the client declared support for the given image mimetype */
    public boolean acceptsImage(String mimetype) {
        return imageMimetypes.contains(mimetype);
    }
}
