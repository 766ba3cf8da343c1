/**
 * First-start demo data: a demo tenant with an admin, a help-desk agent and users, a pool of each kind
 * and a platform operator. Created once; the credentials are printed once.
 */
@ApplicationModule(displayName = "Demo data")
package io.deskport.broker.demo;

import org.springframework.modulith.ApplicationModule;
