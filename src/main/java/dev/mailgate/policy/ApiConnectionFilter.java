package dev.mailgate.policy;

import dev.mailgate.audit.AuditEvent;
import dev.mailgate.audit.AuditLog;
import dev.mailgate.config.MailgateConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * With {@code mailgate.smtp.lists-apply-to-api=true}, the SMTP allow/deny lists also guard the HTTP
 * API (every route except {@code /q/health}): a refused address gets {@code 403} problem+json, audited.
 * The address is Vert.x' remote address, which Quarkus replaces with the forwarded one when
 * {@code quarkus.http.proxy.proxy-address-forwarding} is on behind a trusted proxy.
 */
@ApplicationScoped
public class ApiConnectionFilter {

    private final ConnectionGate gate;
    private final boolean enabled;
    private final AuditLog audit;
    private final MeterRegistry metrics;

    public ApiConnectionFilter(ConnectionGate gate, MailgateConfig config, AuditLog audit, MeterRegistry metrics) {
        this.gate = gate;
        this.enabled = config.smtp().listsApplyToApi();
        this.audit = audit;
        this.metrics = metrics;
    }

    void install(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.route().order(-1000).handler(ctx -> {
            String address = ctx.request().remoteAddress() == null
                    ? ""
                    : ctx.request().remoteAddress().hostAddress();
            if (ctx.normalizedPath().startsWith("/q/health") || gate.permitted(address)) {
                ctx.next();
                return;
            }
            metrics.counter("mailgate.http.refused", "reason", "denied").increment();
            audit.record(new AuditEvent(
                    Instant.now(),
                    "http.refused",
                    null,
                    address,
                    "api",
                    null,
                    "reason=denied " + ctx.request().method() + " " + ctx.normalizedPath()));
            ctx.response()
                    .setStatusCode(403)
                    .putHeader("Content-Type", "application/problem+json")
                    .end(new JsonObject()
                            .put("type", "https://mailgate.dev/problems/address-denied")
                            .put("title", "Requests from this address are not accepted")
                            .put("status", 403)
                            .encode());
        });
    }
}
