package io.deskport.broker.metering;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's webhook subscriptions: each is sent the usage events of every tenant (the operator's billing
 * system). Platform admins only.
 */
@RestController
@RequestMapping("/api/v1/admin/platform-webhooks")
@Validated
class PlatformWebhookController extends WebhookApi {

    PlatformWebhookController(WebhookSubscriptions subscriptions, MergePatch mergePatch, JsonMapper json) {
        super(subscriptions, mergePatch, json);
    }

    @Override
    WebhookSubscriptions.Owner owner(AdminContext ctx) {
        if (!ctx.actor().isPlatformAdmin() || !ctx.tenantId().equals(ctx.actor().tenantId())) {
            throw new ProblemException(Reason.FORBIDDEN, "Only platform admins manage the platform's webhooks");
        }
        return WebhookSubscriptions.Owner.PLATFORM;
    }
}
