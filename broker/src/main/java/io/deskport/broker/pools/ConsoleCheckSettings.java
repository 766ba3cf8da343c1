package io.deskport.broker.pools;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The registration console check's setting ({@code deskport.consoles.check-on-registration}); the other
 * {@code deskport.consoles.*} settings (the allowed networks) are the shared module's. Documented in the README.
 *
 * @param checkOnRegistration check a desktop's console when it is registered by address; off, the desktop is
 *                            registered as asked and its answer says NOT_CHECKED (tests and benchmarks whose
 *                            desktops are made-up addresses)
 */
@ConfigurationProperties("deskport.consoles")
record ConsoleCheckSettings(@DefaultValue("true") boolean checkOnRegistration) {
}
