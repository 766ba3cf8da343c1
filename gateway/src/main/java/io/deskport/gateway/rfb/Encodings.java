package io.deskport.gateway.rfb;

/** RFB encoding numbers (RFC 6143 §7.7 and the community registry). */
final class Encodings {

    static final int RAW = 0;
    static final int COPY_RECT = 1;
    static final int HEXTILE = 5;
    static final int ZRLE = 16;
    static final int CURSOR = -239;
    static final int DESKTOP_SIZE = -223;
    static final int LAST_RECT = -224;
    static final int EXTENDED_DESKTOP_SIZE = -308;
    static final int COMPRESS_LEVEL_0 = -256;
    static final int QUALITY_LEVEL_0 = -32;

    private Encodings() {
    }
}
