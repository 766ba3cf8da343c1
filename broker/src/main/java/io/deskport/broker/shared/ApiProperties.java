package io.deskport.broker.shared;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API ({@code deskport.api.*}); documented with their defaults in the README.
 *
 * @param maxRequestBody the largest request body the broker reads; a larger one is refused with 413
 *                       {@code PAYLOAD_TOO_LARGE} before it is parsed (by its Content-Length, or when a
 *                       body sent without one grows past it)
 */
@Validated
@ConfigurationProperties("deskport.api")
record ApiProperties(@DefaultValue("1MB") DataSize maxRequestBody) {

    public ApiProperties {
        if (maxRequestBody.toBytes() < 1024) {
            throw new IllegalArgumentException("deskport.api.max-request-body (" + maxRequestBody
                    + ") must be at least 1KB");
        }
    }
}
