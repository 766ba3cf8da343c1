package io.deskport.gateway.display;

/**
 * How lossy the encoder may be for the next frame.
 *
 * @param jpegAllowed  the client decodes JPEG and the connection does not force lossless images
 * @param jpegQuality  JPEG quality 1–100 to use for fast-changing photographic areas
 */
public record ImagePolicy(boolean jpegAllowed, int jpegQuality) {

    /** Lossless only. */
    public static final ImagePolicy LOSSLESS = new ImagePolicy(false, 90);

    /**
     * The policy guacd applies: quality 90 when the client keeps up within 20 ms, falling linearly to 30
     * at 80 ms of processing lag or more.
     */
    public static ImagePolicy forLag(boolean jpegAllowed, long lagMillis) {
        long lag = Math.max(20, Math.min(80, lagMillis));
        int quality = (int) (90 - (lag - 20) * 60 / 60);
        return new ImagePolicy(jpegAllowed, quality);
    }
}
