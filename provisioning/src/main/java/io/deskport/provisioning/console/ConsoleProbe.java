package io.deskport.provisioning.console;

import io.deskport.provisioning.console.ConsoleProbeException.Failure;
import io.deskport.provisioning.driver.ConsoleEndpoint;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a desktop's console answers: connects, reads the RFB banner ({@code RFB 003.00x}),
 * authenticates with VNC authentication (or none, if the server asks for none and no password is
 * given), and reads the server's framebuffer size and name. The broker uses it to decide that a
 * desktop is ready to be handed out.
 */
public final class ConsoleProbe {

    /**
     * What the console said.
     *
     * @param protocolVersion the version the server announced, e.g. {@code 3.8}
     * @param width           framebuffer width in pixels
     * @param height          framebuffer height in pixels
     * @param desktopName     the server's desktop name
     */
    public record Result(String protocolVersion, int width, int height, String desktopName) {
    }

    private static final Pattern BANNER = Pattern.compile("RFB (\\d{3})\\.(\\d{3})\n");
    private static final int SECURITY_NONE = 1;
    private static final int SECURITY_VNC_AUTH = 2;

    private final Duration timeout;

    /** A probe that gives up on connect or read after {@code timeout}. */
    public ConsoleProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /** Probes a console endpoint with its password. */
    public Result probe(ConsoleEndpoint endpoint) throws ConsoleProbeException {
        return probe(endpoint.host(), endpoint.port(), endpoint.password());
    }

    /** Returns true if the console answers and accepts its password; never throws. */
    public boolean answers(ConsoleEndpoint endpoint) {
        try {
            probe(endpoint);
            return true;
        } catch (ConsoleProbeException e) {
            return false;
        }
    }

    /**
     * Probes a VNC server.
     *
     * @param password the VNC password, or null to accept only servers without authentication
     */
    public Result probe(String host, int port, String password) throws ConsoleProbeException {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
            } catch (IOException e) {
                throw new ConsoleProbeException(Failure.UNREACHABLE, "cannot connect to " + host + ":" + port, e);
            }
            return handshake(new DataInputStream(socket.getInputStream()), socket.getOutputStream(), password);
        } catch (IOException e) {
            throw new ConsoleProbeException(Failure.PROTOCOL_ERROR, "RFB handshake with " + host + ":" + port
                    + " failed: " + e.getMessage(), e);
        }
    }

    private Result handshake(DataInputStream in, OutputStream out, String password)
            throws IOException, ConsoleProbeException {
        byte[] bannerBytes = new byte[12];
        in.readFully(bannerBytes);
        Matcher banner = BANNER.matcher(new String(bannerBytes, StandardCharsets.US_ASCII));
        if (!banner.matches()) {
            throw new ConsoleProbeException(Failure.NOT_RFB, "not an RFB server: banner "
                    + new String(bannerBytes, StandardCharsets.US_ASCII).strip(), null);
        }
        int minor = Integer.parseInt(banner.group(1)) > 3 ? 8 : Math.min(Integer.parseInt(banner.group(2)), 8);
        int clientMinor = minor >= 8 ? 8 : minor >= 7 ? 7 : 3;
        out.write(String.format("RFB 003.%03d\n", clientMinor).getBytes(StandardCharsets.US_ASCII));
        out.flush();

        int securityType = chooseSecurity(in, out, clientMinor, password);
        if (securityType == SECURITY_VNC_AUTH) {
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            out.write(vncAuthResponse(password, challenge));
            out.flush();
        }
        if (securityType == SECURITY_VNC_AUTH || clientMinor >= 8) {
            int result = in.readInt();
            if (result != 0) {
                String reason = clientMinor >= 8 ? readString(in) : "";
                throw new ConsoleProbeException(Failure.AUTH_FAILED, "VNC authentication failed " + reason, null);
            }
        }
        out.write(1); // ClientInit: share the desktop with other viewers.
        out.flush();
        int width = in.readUnsignedShort();
        int height = in.readUnsignedShort();
        in.readFully(new byte[16]); // pixel format
        return new Result(banner.group(1).replaceFirst("^0+", "") + "." + banner.group(2).replaceFirst("^0+(?=.)", ""),
                width, height, readString(in));
    }

    private static int chooseSecurity(DataInputStream in, OutputStream out, int clientMinor, String password)
            throws IOException, ConsoleProbeException {
        int wanted = password == null ? SECURITY_NONE : SECURITY_VNC_AUTH;
        if (clientMinor == 3) {
            int type = in.readInt();
            if (type == 0) {
                throw new ConsoleProbeException(Failure.PROTOCOL_ERROR, "server refused: " + readString(in), null);
            }
            if (type != wanted) {
                throw new ConsoleProbeException(Failure.UNSUPPORTED_SECURITY, "server demands security type " + type
                        + ", probe can do " + wanted, null);
            }
            return type;
        }
        int count = in.readUnsignedByte();
        if (count == 0) {
            throw new ConsoleProbeException(Failure.PROTOCOL_ERROR, "server refused: " + readString(in), null);
        }
        boolean offered = false;
        StringBuilder types = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int type = in.readUnsignedByte();
            offered |= type == wanted;
            types.append(type).append(' ');
        }
        if (!offered) {
            throw new ConsoleProbeException(Failure.UNSUPPORTED_SECURITY, "server offers security types "
                    + types.toString().trim() + ", probe needs " + wanted, null);
        }
        out.write(wanted);
        out.flush();
        return wanted;
    }

    /** DES-encrypts the challenge with the password, bits of each key byte reversed as VNC does. */
    static byte[] vncAuthResponse(String password, byte[] challenge) {
        byte[] key = new byte[8];
        byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < key.length && i < pw.length; i++) {
            key[i] = (byte) (Integer.reverse(pw[i] & 0xff) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is not available in this JDK", e);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 65536) {
            throw new EOFException("implausible string length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
