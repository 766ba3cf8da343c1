package io.deskport.broker;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Modulith's event publication registry on the classpath, every transactional event listener is wrapped
 * and records its state in a transaction of its own (a connection per call: bench/README, "late evening"). The only
 * transactional listeners are therefore {@code @ApplicationModuleListener}s, the ones the registry is for; after-commit
 * work that may be missed uses {@code shared.AfterCommit}.
 */
class EventListenersTest {

    @Test
    void theOnlyTransactionalEventListenersAreModuleListenersOfTheRegistry() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class));
        List<String> plain = new ArrayList<>();
        int moduleListeners = 0;
        for (BeanDefinition bean : scanner.findCandidateComponents("io.deskport.broker")) {
            for (Method m : Class.forName(bean.getBeanClassName()).getDeclaredMethods()) {
                if (!AnnotatedElementUtils.hasAnnotation(m, TransactionalEventListener.class)) {
                    continue;
                }
                if (AnnotatedElementUtils.hasAnnotation(m, ApplicationModuleListener.class)) {
                    moduleListeners++;
                } else {
                    plain.add(m.getDeclaringClass().getSimpleName() + "." + m.getName());
                }
            }
        }
        assertThat(plain).as("transactional event listeners that are not module listeners").isEmpty();
        assertThat(moduleListeners).as("the licence alerts' listeners, at least").isGreaterThanOrEqualTo(3);
    }
}
