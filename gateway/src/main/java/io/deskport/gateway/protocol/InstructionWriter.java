package io.deskport.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds Guacamole instructions directly as UTF-8 bytes, ready to be written to one or more sockets.
 * Element lengths are counted in Unicode code points as the protocol requires. Not thread-safe; one
 * writer builds one batch (typically one frame) at a time.
 */
public final class InstructionWriter {

    /** Largest number of raw bytes carried by one {@code blob} (guacd's limit). */
    public static final int MAX_BLOB_BYTES = 6048;

    private static final byte[] BASE64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;
    private boolean first;

    /** Creates a writer with a small initial buffer. */
    public InstructionWriter() {
        this(1024);
    }

    /** Creates a writer with the given initial buffer capacity in bytes. */
    public InstructionWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    /** Starts an instruction with the given opcode. */
    public InstructionWriter begin(String opcode) {
        first = true;
        return arg(opcode);
    }

    /** Appends one string element to the current instruction. */
    public InstructionWriter arg(String value) {
        separator();
        appendDecimal(value.codePointCount(0, value.length()));
        put((byte) '.');
        boolean ascii = true;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            ensure(value.length());
            for (int i = 0; i < value.length(); i++) {
                buf[len++] = (byte) value.charAt(i);
            }
        } else {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
        }
        return this;
    }

    /** Appends one integer element to the current instruction. */
    public InstructionWriter arg(long value) {
        separator();
        int digits = value < 0 ? 1 + decimalDigits(-value) : decimalDigits(value);
        appendDecimal(digits);
        put((byte) '.');
        appendDecimal(value);
        return this;
    }

    /** Appends the base64 form of {@code data[offset, offset+length)} as one element. */
    public InstructionWriter argBase64(byte[] data, int offset, int length) {
        separator();
        int encodedLength = (length + 2) / 3 * 4;
        appendDecimal(encodedLength);
        put((byte) '.');
        ensure(encodedLength);
        int end = offset + length;
        int i = offset;
        while (i + 3 <= end) {
            int v = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff);
            buf[len++] = BASE64[v >>> 18];
            buf[len++] = BASE64[(v >>> 12) & 63];
            buf[len++] = BASE64[(v >>> 6) & 63];
            buf[len++] = BASE64[v & 63];
            i += 3;
        }
        int rest = end - i;
        if (rest > 0) {
            int v = (data[i] & 0xff) << 16 | (rest == 2 ? (data[i + 1] & 0xff) << 8 : 0);
            buf[len++] = BASE64[v >>> 18];
            buf[len++] = BASE64[(v >>> 12) & 63];
            buf[len++] = rest == 2 ? BASE64[(v >>> 6) & 63] : (byte) '=';
            buf[len++] = '=';
        }
        return this;
    }

    /** Ends the current instruction. */
    public InstructionWriter end() {
        put((byte) ';');
        return this;
    }

    /** Appends a complete instruction. */
    public InstructionWriter write(Instruction instruction) {
        begin(instruction.opcode());
        for (String a : instruction.args()) {
            arg(a);
        }
        return end();
    }

    /**
     * Appends a whole stream of data as {@code blob} instructions of at most {@link #MAX_BLOB_BYTES} raw
     * bytes each, followed by {@code end}.
     */
    public InstructionWriter blobs(int stream, byte[] data, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            int n = Math.min(MAX_BLOB_BYTES, end - pos);
            begin("blob").arg(stream).argBase64(data, pos, n).end();
            pos += n;
        }
        return begin("end").arg(stream).end();
    }

    /** @return the number of bytes written so far */
    public int size() {
        return len;
    }

    /** @return true if nothing has been written since the last reset */
    public boolean isEmpty() {
        return len == 0;
    }

    /** @return a copy of the bytes written so far */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** Forgets everything written, keeping the buffer for reuse (shrinking it if it grew very large). */
    public void reset() {
        len = 0;
        if (buf.length > (4 << 20)) {
            buf = new byte[64 * 1024];
        }
    }

    /** Appends one element to a string-based instruction (used by {@link Instruction#encode()}). */
    static void appendElement(StringBuilder out, String value) {
        out.append(value.codePointCount(0, value.length())).append('.').append(value);
    }

    private void separator() {
        if (first) {
            first = false;
        } else {
            put((byte) ',');
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void appendDecimal(long value) {
        if (value < 0) {
            put((byte) '-');
            value = -value;
        }
        int digits = decimalDigits(value);
        ensure(digits);
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (value % 10));
            value /= 10;
        }
        len += digits;
    }

    private static int decimalDigits(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
