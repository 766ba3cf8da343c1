package io.deskport.bench.adminapi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXPLAIN of an admin list request for other benchmarks (bench/console): the statements {@link Lists} rebuilds for
 * the list the request names, in the plans {@link Explain} shows.
 */
public final class RequestPlans {

    private RequestPlans() {
    }

    /** @return where the rebuilt listings differ from the broker's (empty when they agree): the EXPLAINs would mislead there */
    public static java.util.List<String> drift() {
        return Lists.checkAgainstBroker();
    }

    /**
     * @param tenant the tenant the request acts in
     * @param pathAndQuery {@code /api/v1/admin/…?…}, as sent
     * @return the statements and their plans, or null when the request is not one of the lists {@link Lists} knows
     */
    public static String explain(Connection c, UUID tenant, String pathAndQuery) throws SQLException {
        int q = pathAndQuery.indexOf('?');
        String path = (q < 0 ? pathAndQuery : pathAndQuery.substring(0, q)).replaceFirst("^/api/v1/admin", "");
        for (Lists.Endpoint e : Lists.ALL) {
            Matcher m = Pattern.compile("^" + Pattern.quote(e.path()).replace("{id}", "\\E([0-9a-f-]{36})\\Q") + "$").matcher(path);
            if (m.matches()) {
                UUID pool = e.perPool() ? UUID.fromString(m.group(1)) : null;
                StringBuilder out = new StringBuilder();
                for (Lists.Statement s : Lists.statements(e, tenant, pool, pathAndQuery)) {
                    out.append(Explain.explain(c, s));
                }
                return out.toString();
            }
        }
        return null;
    }
}
