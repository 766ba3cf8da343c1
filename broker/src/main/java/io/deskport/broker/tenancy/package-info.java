/**
 * Tenants and their quotas, users, groups and roles. Public face: {@link io.deskport.broker.tenancy.Tenants},
 * {@link io.deskport.broker.tenancy.Users}, {@link io.deskport.broker.tenancy.Groups},
 * {@link io.deskport.broker.tenancy.TenantQuotas} and {@link io.deskport.broker.tenancy.UserDirectory}.
 */
@ApplicationModule(displayName = "Tenancy", allowedDependencies = {"shared"})
@Tables(owns = {"tenant", "tenant_session_seats", "app_user", "user_group", "group_member"}, publishes = {"tenancy_users", "tenancy_groups", "tenancy_group_members"})
package io.deskport.broker.tenancy;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
