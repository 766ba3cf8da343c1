package io.deskport.broker.shared;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk actions of the admin API: one action on many objects, answered with a result per object. The request
 * is validated as a whole first — a malformed id or an unknown action refuses it with 400 and nothing is done;
 * then each object is acted on in a transaction of its own, so an object that cannot be (not found, in the
 * wrong state) is reported with its reason while the others are done, and none is left half-done.
 */
public final class Bulk {

    private static final Logger log = LoggerFactory.getLogger(Bulk.class);

    /** Objects per bulk request at most. */
    public static final int MAX_ITEMS = 1000;

    private Bulk() {
    }

    /**
     * A bulk request: an action and the ids it applies to (each once; repeated ids count once).
     *
     * @param <A> the actions the endpoint offers
     */
    public record Request<A extends Enum<A>>(@NotNull A action,
                                             @NotEmpty @Size(max = MAX_ITEMS) List<@NotNull UUID> ids) {
    }

    /**
     * What happened to one object.
     *
     * @param status the HTTP status the single request would have had (200, 404, 409, …)
     * @param reason the problem reason when it was not done
     */
    public record ItemResult(UUID id, int status, String reason, String detail) {
    }

    /** The answer: a result per object, in the order asked, and the counts. */
    public record Result(int succeeded, int failed, List<ItemResult> results) {
    }

    /** Runs {@code action} for each id, each in the transaction the action opens, and reports each. */
    public static Result each(List<UUID> ids, Consumer<UUID> action) {
        List<ItemResult> results = new ArrayList<>();
        int ok = 0;
        for (UUID id : new LinkedHashSet<>(ids)) {
            try {
                action.accept(id);
                results.add(new ItemResult(id, 200, null, null));
                ok++;
            } catch (ProblemException e) {
                results.add(new ItemResult(id, e.reason().status().value(), e.reason().name(), e.getMessage()));
            } catch (RuntimeException e) {
                if (DatabaseOutages.isOutage(e)) {
                    ProblemException refusal = DatabaseOutages.refusal(e);
                    results.add(new ItemResult(id, refusal.reason().status().value(), refusal.reason().name(),
                            refusal.getMessage()));
                } else {
                    log.error("Bulk action on {} failed", id, e);
                    results.add(new ItemResult(id, 500, Reason.INTERNAL_ERROR.name(), Reason.INTERNAL_ERROR.title()));
                }
            }
        }
        return new Result(ok, results.size() - ok, results);
    }
}
