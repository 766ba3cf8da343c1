package io.deskport.gateway.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reassembles a clipboard stream sent by a Guacamole client ({@code clipboard}, {@code blob}…,
 * {@code end}) into text. Only text mimetypes are accepted; at most 256 KiB are kept (guacd's limit).
 */
final class InboundClipboard {

    private static final int MAX_BYTES = 256 * 1024;

    private String stream;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Starts a clipboard stream; non-text mimetypes are ignored. */
    void begin(String streamIndex, String mimetype) {
        if (mimetype.startsWith("text/")) {
            stream = streamIndex;
            data.reset();
        } else {
            stream = null;
        }
    }

    /** @return false if the blob does not belong to an open clipboard stream */
    boolean append(String streamIndex, String base64) {
        if (stream == null || !stream.equals(streamIndex)) {
            return false;
        }
        try {
            byte[] chunk = Base64.getDecoder().decode(base64);
            int room = MAX_BYTES - data.size();
            data.write(chunk, 0, Math.max(0, Math.min(room, chunk.length)));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the clipboard text if the stream was a clipboard stream, else null */
    String end(String streamIndex) {
        if (stream == null || !stream.equals(streamIndex)) {
            return null;
        }
        stream = null;
        return data.toString(StandardCharsets.UTF_8);
    }
}
