package io.deskport.broker.shared;

import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lets controllers declare {@link CurrentUser} and {@link AdminContext} parameters. A platform admin's request in
 * another tenant publishes {@link TenantViewed} first (checked and audited by the tenancy module).
 */
@Configuration(proxyBeanMethods = false)
class CurrentUserArguments implements WebMvcConfigurer {

    private final ApplicationEventPublisher events;

    CurrentUserArguments(ApplicationEventPublisher events) {
        this.events = events;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new Resolver(events));
    }

    /** @return the signed-in user of this request */
    public static CurrentUser currentUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof CurrentUser user) {
            return user;
        }
        throw new ProblemException(Reason.UNAUTHENTICATED, "Sign in first");
    }

    private static final class Resolver implements HandlerMethodArgumentResolver {

        private final ApplicationEventPublisher events;

        Resolver(ApplicationEventPublisher events) {
            this.events = events;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            Class<?> type = parameter.getParameterType();
            return type == CurrentUser.class || type == AdminContext.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                      WebDataBinderFactory binders) {
            CurrentUser user = currentUser();
            if (parameter.getParameterType() == CurrentUser.class) {
                return user;
            }
            String header = request.getHeader(AdminContext.TENANT_HEADER);
            UUID tenant = null;
            if (header != null && !header.isBlank()) {
                try {
                    tenant = UUID.fromString(header.strip());
                } catch (IllegalArgumentException e) {
                    throw new ProblemException(Reason.VALIDATION_FAILED,
                            AdminContext.TENANT_HEADER + " must be a tenant id (UUID)");
                }
            }
            AdminContext ctx = AdminContext.resolve(user, tenant);
            if (ctx.tenantId() != null && !ctx.tenantId().equals(user.tenantId())) {
                events.publishEvent(new TenantViewed(user, ctx.tenantId()));
            }
            return ctx;
        }
    }
}
