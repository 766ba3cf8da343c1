package io.deskport.gateway.display;

/**
 * The check behind the commonest image on a desktop, text: does a region use at most two colours? One
 * pass with two comparisons per pixel, no hashing and no per-pixel output, so it is cheaper than
 * {@link ColorTable#collect} and can be repeated band after band to grow a two-colour image.
 */
final class TwoColors {

    /** Marks a free slot of the colour pair (real pixels are {@code 0x00RRGGBB}, never negative). */
    static final int NONE = -1;

    private TwoColors() {
    }

    /**
     * Checks whether every pixel of the region is one of the two colours in {@code pair}, filling free
     * slots ({@link #NONE}) with the first new colours met.
     *
     * @return false as soon as a third colour appears ({@code pair} may then hold colours of this region)
     */
    static boolean fit(int[] pixels, int stride, int x, int y, int w, int h, int[] pair) {
        int c0 = pair[0];
        int c1 = pair[1];
        for (int row = y; row < y + h; row++) {
            int p = row * stride + x;
            int end = p + w;
            for (; p < end; p++) {
                int c = pixels[p];
                if (c != c0 && c != c1) {
                    if (c0 == NONE) {
                        c0 = c;
                    } else if (c1 == NONE) {
                        c1 = c;
                    } else {
                        return false;
                    }
                }
            }
        }
        pair[0] = c0;
        pair[1] = c1;
        return true;
    }
}
