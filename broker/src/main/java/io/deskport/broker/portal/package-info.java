/**
 * Serves the web portal (the {@code deskport-web-portal} jar's static files) at "/", with the
 * single-page app's deep links ({@code /desktops/…}) answered by its {@code index.html}.
 */
@ApplicationModule(displayName = "Web portal", allowedDependencies = {"demo"})
package io.deskport.broker.portal;

import org.springframework.modulith.ApplicationModule;
