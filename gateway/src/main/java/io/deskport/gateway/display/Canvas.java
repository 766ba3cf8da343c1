package io.deskport.gateway.display;

/**
 * Where the display pipeline draws: a remote client's screen. Implementations translate these calls
 * into a wire protocol. Calls between two {@link #endFrame()} form one frame.
 */
public interface Canvas {

    /** The visible screen changed size. */
    void resize(int width, int height);

    /** Moves a rectangle of what the client already shows. */
    void copy(int srcX, int srcY, int width, int height, int dstX, int dstY);

    /** Fills a rectangle with an opaque colour ({@code 0x00RRGGBB}). */
    void fill(int x, int y, int width, int height, int rgb);

    /** Draws an encoded image ({@code image/png} or {@code image/jpeg}) at (x, y). */
    void image(int x, int y, String mimetype, byte[] data, int length);

    /** Replaces the mouse cursor with a PNG image with alpha; {@code width} or {@code height} 0 hides it. */
    void cursor(int hotX, int hotY, int width, int height, byte[] png, int length);

    /** Ends the frame: everything drawn since the last call becomes visible together. */
    void endFrame();
}
