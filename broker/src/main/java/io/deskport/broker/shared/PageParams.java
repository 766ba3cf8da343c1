package io.deskport.broker.shared;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The paging parameters of every list of the admin API, named the same everywhere.
 *
 * @param limit rows per page, 1 to 1000 (100 when left out)
 * @param cursor where the next page starts: the {@code cursor} of the previous answer's {@code Link rel="next"}
 * @param sort a sort key of the list, {@code -key} for descending (each list names its keys and its default)
 */
public record PageParams(@Min(1) @Max(1000) Integer limit, @Size(max = 1024) String cursor,
                         @Pattern(regexp = "-?[A-Za-z]{1,40}", message = "a sort key, with - in front for descending")
                         String sort) {

    /** Rows per page when the request names none. */
    public static final int DEFAULT_LIMIT = 100;

    int limitOrDefault() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }

    /** @return the first page of the default order, {@code limit} rows */
    public static PageParams first(int limit) {
        return new PageParams(limit, null, null);
    }
}
