package io.deskport.broker.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A setting that 0 switches off and that otherwise has a floor (a 5-second idle timeout is a mistake, not a
 * policy). Null is valid (the member is left out of a partial change).
 */
@Documented
@Constraint(validatedBy = OffOrAtLeast.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface OffOrAtLeast {

    /** @return the smallest value other than 0 */
    long value();

    String message() default "must be 0 (off) or at least {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The rule. */
    class Check implements ConstraintValidator<OffOrAtLeast, Number> {
        private long floor;

        @Override
        public void initialize(OffOrAtLeast annotation) {
            floor = annotation.value();
        }

        @Override
        public boolean isValid(Number value, ConstraintValidatorContext context) {
            return value == null || value.longValue() == 0 || value.longValue() >= floor;
        }
    }
}
