package io.deskport.broker.metering;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.MergePatch;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's webhook subscriptions, managed by its admins (a platform admin another tenant's, with
 * {@value AdminContext#TENANT_HEADER}): each is sent the tenant's own usage events.
 */
@RestController
@RequestMapping("/api/v1/admin/webhooks")
@Validated
class TenantWebhookController extends WebhookApi {

    TenantWebhookController(WebhookSubscriptions subscriptions, MergePatch mergePatch, JsonMapper json) {
        super(subscriptions, mergePatch, json);
    }

    @Override
    WebhookSubscriptions.Owner owner(AdminContext ctx) {
        return new WebhookSubscriptions.Owner(ctx.tenantId());
    }
}
