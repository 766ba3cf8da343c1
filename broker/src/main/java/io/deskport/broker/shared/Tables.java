package io.deskport.broker.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a module's {@code package-info}: the database tables the module owns and the read models (views) it
 * publishes for the other modules. A module's SQL names only the tables it owns and views some module
 * publishes; no module passes SQL text to another. The broker's {@code TableOwnershipTest} enforces both,
 * from the migrations' {@code create table} and {@code create view} statements and every SQL string of the
 * modules.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PACKAGE)
public @interface Tables {

    /** The tables only this module's SQL names (reads and writes). */
    String[] owns() default {};

    /** The views over its tables that other modules may read: its public face in SQL. */
    String[] publishes() default {};
}
