/**
 * Tenants and their quotas, users, groups and roles. Public face: {@link io.deskport.broker.tenancy.Tenants},
 * {@link io.deskport.broker.tenancy.Users}, {@link io.deskport.broker.tenancy.Groups},
 * {@link io.deskport.broker.tenancy.TenantQuotas} and {@link io.deskport.broker.tenancy.UserDirectory}.
 */
@ApplicationModule(displayName = "Tenancy")
package io.deskport.broker.tenancy;

import org.springframework.modulith.ApplicationModule;
