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
 * @param maxImportBody the largest body of a bulk import ({@code POST /api/v1/admin/users/import}: 10,000 rows of
 *                      CSV or JSON are a few megabytes), refused the same way above it
 */
@Validated
@ConfigurationProperties("deskport.api")
record ApiProperties(@DefaultValue("1MB") DataSize maxRequestBody, @DefaultValue("32MB") DataSize maxImportBody) {

    /** The paths whose bodies may be as large as {@link #maxImportBody}. */
    static final String IMPORT_PATH = "/api/v1/admin/users/import";

    public ApiProperties {
        if (maxRequestBody.toBytes() < 1024) {
            throw new IllegalArgumentException("deskport.api.max-request-body (" + maxRequestBody
                    + ") must be at least 1KB");
        }
        if (maxImportBody.toBytes() < maxRequestBody.toBytes()) {
            throw new IllegalArgumentException("deskport.api.max-import-body (" + maxImportBody
                    + ") must be at least deskport.api.max-request-body (" + maxRequestBody + ")");
        }
    }
}
