package io.deskport.broker.portal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

/**
 * The portal's files: hashed build assets cached for a year, everything else (index.html) revalidated
 * on each load so a new release is picked up at once. A path that is neither a file nor a server
 * endpoint is one of the app's own routes and gets {@code index.html}; server paths ({@code /api},
 * {@code /tunnel}, {@code /v3/api-docs}, {@code /actuator}, the Swagger UI's {@code /swagger-ui}) and missing
 * files stay 404, and no file of another jar's web resources ({@code /webjars}) is served as the portal's.
 * Spring Boot's default static mapping is off ({@code spring.web.resources.add-mappings=false}).
 */
@Configuration(proxyBeanMethods = false)
class PortalResources implements WebMvcConfigurer {

    static final String[] LOCATIONS = {"classpath:/META-INF/resources/", "classpath:/static/"};
    /** Never the portal's: the server's endpoints, the Swagger UI's files, other jars' web resources. */
    private static final List<String> SERVER_PREFIXES = List.of("api/", "api", "tunnel", "v3/", "actuator", "error",
            "swagger-ui", "webjars");

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**")
                .addResourceLocations(LOCATIONS[0] + "assets/", LOCATIONS[1] + "assets/")
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable());
        registry.addResourceHandler("/**")
                .addResourceLocations(LOCATIONS)
                .setCacheControl(CacheControl.noCache())
                .resourceChain(false)
                .addResolver(new SinglePageAppResolver());
    }

    /** Files as they are; the app's routes → index.html. */
    static final class SinglePageAppResolver extends PathResourceResolver {

        @Override
        protected Resource getResource(String resourcePath, Resource location) throws IOException {
            if (isServerPath(resourcePath)) {
                return null;
            }
            if (!resourcePath.isEmpty()) {
                Resource requested = super.getResource(resourcePath, location);
                if (requested != null) {
                    return requested;
                }
            }
            if (!isAppRoute(resourcePath)) {
                return null;
            }
            return super.getResource("index.html", location);
        }

        /** True for paths the app routes itself: not a server endpoint, and not a file name. */
        static boolean isAppRoute(String path) {
            if (isServerPath(path)) {
                return false;
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            return !last.contains(".");
        }

        /** True for a server endpoint's path (or one under it): neither a file of the portal nor its route. */
        static boolean isServerPath(String path) {
            for (String prefix : SERVER_PREFIXES) {
                if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                    return true;
                }
            }
            return false;
        }
    }
}
