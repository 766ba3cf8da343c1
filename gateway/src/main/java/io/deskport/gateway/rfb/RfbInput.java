package io.deskport.gateway.rfb;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Buffered big-endian reader for the server side of an RFB connection. The socket's read timeout
 * separates an idle server (normal: nothing changed on screen) from one that stalls in the middle of a
 * message (a fault): {@link #awaitMessageType()} waits as long as needed, every other read fails with
 * {@link RfbException.Kind#TIMEOUT} when the server stops sending.
 */
final class RfbInput {

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    RfbInput(InputStream in) {
        this.in = in;
    }

    /**
     * Waits for the first byte of the next server message, tolerating any idle time.
     *
     * @return the message type
     * @throws RfbException with kind CLOSED if the server closed the connection
     */
    int awaitMessageType() throws IOException {
        while (pos == limit) {
            try {
                fill();
            } catch (SocketTimeoutException idle) {
                // The screen did not change for a while; keep waiting.
            }
        }
        return buf[pos++] & 0xff;
    }

    int u8() throws IOException {
        if (pos == limit) {
            fillInMessage();
        }
        return buf[pos++] & 0xff;
    }

    int u16() throws IOException {
        return u8() << 8 | u8();
    }

    int s32() throws IOException {
        return u8() << 24 | u8() << 16 | u8() << 8 | u8();
    }

    /** Reads an unsigned 32-bit length and rejects it if larger than {@code max}. */
    long u32(String what, long max) throws IOException {
        long v = s32() & 0xffffffffL;
        if (v > max) {
            throw RfbException.protocol("VNC server sent " + what + " of " + v + " bytes, more than the limit of " + max);
        }
        return v;
    }

    /** Checks an already read unsigned 32-bit length against {@code max}. */
    long u32Value(int raw, String what, long max) throws RfbException {
        long v = raw & 0xffffffffL;
        if (v > max) {
            throw RfbException.protocol("VNC server sent " + what + " of " + v + " bytes, more than the limit of " + max);
        }
        return v;
    }

    void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == limit) {
                fillInMessage();
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Reads {@code count} little-endian 32-bit pixels ({@code 0x00RRGGBB} after our SetPixelFormat)
     * into {@code dst}.
     */
    void pixels32(int[] dst, int off, int count) throws IOException {
        int end = off + count;
        while (off < end) {
            if (limit - pos < 4) {
                int b = u8();
                int g = u8();
                int r = u8();
                u8(); // padding byte of the 32-bit pixel
                dst[off++] = b | g << 8 | r << 16;
                continue;
            }
            int n = Math.min(end - off, (limit - pos) >> 2);
            int p = pos;
            for (int i = 0; i < n; i++) {
                dst[off++] = (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16;
                p += 4;
            }
            pos = p;
        }
    }

    void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == limit) {
                fillInMessage();
            }
            int k = (int) Math.min(n, limit - pos);
            pos += k;
            n -= k;
        }
    }

    private void fillInMessage() throws IOException {
        try {
            fill();
        } catch (SocketTimeoutException e) {
            throw new RfbException(RfbException.Kind.TIMEOUT, "VNC server stopped sending in the middle of a message", e);
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new RfbException(RfbException.Kind.CLOSED, "VNC server closed the connection");
        }
        pos = 0;
        limit = n;
    }
}
