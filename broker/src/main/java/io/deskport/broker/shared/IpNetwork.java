package io.deskport.broker.shared;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One CIDR block of IPv4 or IPv6 addresses ({@code 10.0.0.0/8}, {@code fc00::/7}), as the settings that confine
 * where the broker connects to list them (consoles, webhook endpoints).
 *
 * @param base the block's first address
 * @param prefix its prefix length in bits
 * @param text the block as configured
 */
public record IpNetwork(byte[] base, int prefix, String text) {

    /**
     * @param cidr an address, {@code /}, a prefix length
     * @param setting the setting it comes from, named in the refusal
     * @throws IllegalArgumentException when it is not a CIDR block
     */
    public static IpNetwork parse(String cidr, String setting) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        try {
            if (slash < 0 || !s.substring(0, slash).matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("not an address/prefix");
            }
            byte[] base = InetAddress.getByName(s.substring(0, slash)).getAddress();
            int prefix = Integer.parseInt(s.substring(slash + 1));
            if (prefix < 0 || prefix > base.length * 8) {
                throw new IllegalArgumentException("prefix out of range");
            }
            return new IpNetwork(base, prefix, s);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": '" + cidr + "' is not a CIDR block like 10.0.0.0/8 or fc00::/7", e);
        }
    }

    /** @return whether the address (4 or 16 bytes) lies in this block */
    public boolean contains(byte[] address) {
        if (address.length != base.length) {
            return false;
        }
        int bits = base.length * 8;
        BigInteger mask = prefix == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(prefix).subtract(BigInteger.ONE).shiftLeft(bits - prefix);
        return new BigInteger(1, address).and(mask).equals(new BigInteger(1, base).and(mask));
    }

    /** @return whether the address lies in this block */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** @return the block's first address */
    public InetAddress baseAddress() {
        try {
            return InetAddress.getByAddress(base);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
