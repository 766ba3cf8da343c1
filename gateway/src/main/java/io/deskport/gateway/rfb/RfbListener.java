package io.deskport.gateway.rfb;

/**
 * Receives what a VNC server draws, in the order it happens. Pixels are {@code 0x00RRGGBB}. All calls
 * come from the thread running {@link RfbClient#run(RfbListener)}.
 */
public interface RfbListener {

    /** The framebuffer changed size (initially, or through DesktopSize/ExtendedDesktopSize); its content is undefined. */
    void resize(int width, int height);

    /** A rectangle of pixels: row {@code r} starts at {@code data[offset + r * scan]}. */
    void pixels(int x, int y, int width, int height, int[] data, int offset, int scan);

    /** A rectangle of one colour. */
    void fill(int x, int y, int width, int height, int rgb);

    /** A rectangle moved within the framebuffer (CopyRect). */
    void copy(int srcX, int srcY, int width, int height, int dstX, int dstY);

    /**
     * The server's cursor image changed.
     *
     * @param argb {@code width * height} pixels with alpha 0xff where the cursor is opaque, 0 elsewhere
     */
    void cursor(int hotX, int hotY, int width, int height, int[] argb);

    /** A FramebufferUpdate message begins; its rectangles follow, then {@link #updateComplete()}. */
    default void updateStarted() {
    }

    /** A FramebufferUpdate message has been completely applied. */
    void updateComplete();

    /** The server's clipboard changed (ServerCutText), already decoded to text. */
    void clipboard(String text);

    /** The server rang the bell. */
    default void bell() {
    }
}
