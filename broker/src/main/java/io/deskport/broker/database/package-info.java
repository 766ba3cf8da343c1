/**
 * The embedded PostgreSQL the broker starts when no database is configured ({@code deskport.database.embedded.*}),
 * stopped only by the process that started it and only when no other broker uses it. Depends on no module.
 */
@ApplicationModule(displayName = "Database", allowedDependencies = {})
package io.deskport.broker.database;

import org.springframework.modulith.ApplicationModule;
