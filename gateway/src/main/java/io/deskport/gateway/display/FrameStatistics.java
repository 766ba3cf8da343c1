package io.deskport.gateway.display;

/**
 * Running counters of what a {@link Display} encoded, for logs, tests and benchmarks. Written by the
 * display's thread; read racily by others (good enough for monitoring).
 */
public final class FrameStatistics {

    volatile long frames;
    volatile long copies;
    volatile long fills;
    volatile long pngImages;
    volatile long jpegImages;
    volatile long imageBytes;

    /** @return frames flushed */
    public long frames() {
        return frames;
    }

    /** @return copy operations sent */
    public long copies() {
        return copies;
    }

    /** @return solid fills sent */
    public long fills() {
        return fills;
    }

    /** @return PNG images sent */
    public long pngImages() {
        return pngImages;
    }

    /** @return JPEG images sent */
    public long jpegImages() {
        return jpegImages;
    }

    /** @return encoded image bytes before base64 */
    public long imageBytes() {
        return imageBytes;
    }

    @Override
    public String toString() {
        return "frames=" + frames + " copies=" + copies + " fills=" + fills + " png=" + pngImages + " jpeg="
                + jpegImages + " imageBytes=" + imageBytes;
    }
}
