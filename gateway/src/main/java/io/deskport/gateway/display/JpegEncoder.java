package io.deskport.gateway.display;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG for fast-changing photographic regions (video, animations), through the JDK's ImageIO writer.
 * Never used for text: it blurs it and costs more bytes than a palette PNG.
 */
final class JpegEncoder {

    private final ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    private int[] scratch = new int[0];

    /** @return the encoded bytes of the region at the given quality (1–100) */
    byte[] encode(int[] pixels, int stride, int x, int y, int w, int h, int quality) {
        if (scratch.length < w * h) {
            scratch = new int[w * h];
        }
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, (y + row) * stride + x, scratch, row * w, w);
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.getRaster().setDataElements(0, 0, w, h, scratch);
        out.reset();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(1, Math.min(100, quality)) / 100f);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        }
        return out.toByteArray();
    }

    void close() {
        writer.dispose();
    }
}
