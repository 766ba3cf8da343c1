package io.deskport.broker.shared;

import java.util.List;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One page of a list, answered as a JSON array (as before paging, so clients that read arrays keep working)
 * with the paging in headers: {@code Link: <…&cursor=…>; rel="next"} (RFC 8288) while more rows follow, and on
 * the first page {@code X-Total-Count} — exact up to {@value Listing#EXACT_COUNT_UP_TO} rows, beyond that the
 * figure with {@code X-Total-Count-Exact: false} ("at least").
 *
 * @param next the cursor of the next page, or null on the last
 * @param total the number of rows the filters match (first page only; null on later pages)
 */
public record Page<T>(List<T> items, String next, Long total, boolean totalExact) {

    /** The answer's header naming the total. */
    public static final String TOTAL_HEADER = "X-Total-Count";
    /** Present (false) when the total is a lower bound. */
    public static final String TOTAL_EXACT_HEADER = "X-Total-Count-Exact";

    /** @return the same page with its items changed (e.g. into the API's view of them) */
    public <U> Page<U> map(Function<T, U> f) {
        return new Page<>(items.stream().map(f).toList(), next, total, totalExact);
    }

    /** @return 200 with the items, the next link and the total (for the request being served) */
    public ResponseEntity<List<T>> ok() {
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
        if (next != null && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            String uri = UriComponentsBuilder.fromPath(request.getRequestURI()).query(request.getQueryString())
                    .replaceQueryParam("cursor", next).build().toUriString();
            answer.header("Link", "<" + uri + ">; rel=\"next\"");
        }
        if (total != null) {
            answer.header(TOTAL_HEADER, Long.toString(total));
            if (!totalExact) {
                answer.header(TOTAL_EXACT_HEADER, "false");
            }
        }
        return answer.body(items);
    }
}
