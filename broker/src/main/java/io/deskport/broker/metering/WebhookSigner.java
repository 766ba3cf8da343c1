package io.deskport.broker.metering;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.deskport.broker.shared.HmacSha256;

/**
 * Signs deliveries per the Standard Webhooks specification: the signed content is
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, the signature {@code v1,<base64 of its HMAC-SHA256>} under
 * the subscription's key. While a rotated-out key still counts, a delivery carries one signature per key,
 * space-separated, so receivers that know either one accept it.
 */
final class WebhookSigner {

    private final List<HmacSha256> keys;

    /** @param keys the keys that sign now, the current one first */
    WebhookSigner(List<byte[]> keys) {
        this.keys = keys.stream().map(HmacSha256::new).toList();
    }

    /** @return the {@code webhook-signature} header of one delivery */
    String signature(String id, long timestamp, String body) {
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder();
        for (HmacSha256 key : keys) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(key.sign(content)));
        }
        return header.toString();
    }
}
