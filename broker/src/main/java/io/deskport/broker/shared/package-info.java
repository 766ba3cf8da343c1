/**
 * Types every module may use: the signed-in actor, roles, problem (RFC 9457) errors with their stable
 * reason codes, and the admin-change event. Depends on no other module.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
@Tables(owns = {"platform_secret", "event_publication"})
package io.deskport.broker.shared;

import org.springframework.modulith.ApplicationModule;
