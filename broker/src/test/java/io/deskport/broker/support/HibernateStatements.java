package io.deskport.broker.support;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Every SQL statement Hibernate generates in the test brokers, with the API request it ran for (installed by
 * {@code application-test.yml} as Hibernate's statement inspector; plain JDBC statements never pass here).
 */
public class HibernateStatements implements StatementInspector {

    /** One statement Hibernate prepared, and the request being served on its thread (null when none). */
    public record Seen(String method, String uri, String sql) {
    }

    private static final ConcurrentLinkedQueue<Seen> SEEN = new ConcurrentLinkedQueue<>();

    @Override
    public String inspect(String sql) {
        String method = null;
        String uri = null;
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes r) {
            method = r.getRequest().getMethod();
            uri = r.getRequest().getRequestURI();
        }
        SEEN.add(new Seen(method, uri, sql));
        while (SEEN.size() > 10_000) {
            SEEN.poll();
        }
        return sql;
    }

    /** @return the statements seen so far, oldest first */
    public static List<Seen> seen() {
        return List.copyOf(SEEN);
    }

    /** Forgets what was seen. */
    public static void clear() {
        SEEN.clear();
    }
}
