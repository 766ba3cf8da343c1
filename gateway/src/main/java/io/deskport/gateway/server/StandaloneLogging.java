package io.deskport.gateway.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the log level of the standalone daemon. Lives apart from the library code because only the
 * standalone jar bundles Logback; embedding applications configure logging themselves.
 */
final class StandaloneLogging {

    private StandaloneLogging() {
    }

    static void configure(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
