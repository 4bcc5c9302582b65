package dev.mailgate.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.budget.ContentBudget;
import dev.mailgate.config.MailgateConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses an oversized API request from its {@code Content-Length} before a byte of the body is
 * read, as a problem+json {@code 413} (Quarkus' own limit, {@code quarkus.http.limits.max-body-size},
 * would answer with an empty body). Raw MIME may not exceed {@code mailgate.limits.max-message-size};
 * JSON, which carries attachments as base64, may use up to the HTTP limit and is then measured by
 * the size of the message composed from it.
 * A send also takes twice its declared size from the {@link ContentBudget} the SMTP sessions and
 * deliveries share, until its answer is sent; when that does not fit it is answered {@code 503} with
 * {@code Retry-After}, again before the body is read.
 */
@ApplicationScoped
public class RequestSizeGuard {

    private final long maxMessageSize;
    private final long maxBodySize;
    private final ObjectMapper json;
    private final ContentBudget budget;

    public RequestSizeGuard(
            MailgateConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody,
            ObjectMapper json,
            ContentBudget budget) {
        this.budget = budget;
        this.maxMessageSize = config.limits().maxMessageSize();
        this.maxBodySize = maxBody.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route("/v1/messages*").order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            boolean raw = ctx.request().path().startsWith("/v1/messages/raw");
            long limit = raw ? maxMessageSize : maxBodySize;
            if (declared > limit) {
                refuse(
                        ctx,
                        raw
                                ? ApiProblem.messageTooLarge(declared, limit)
                                : ApiProblem.requestTooLarge("the request body is " + declared + " octets, at most "
                                        + limit + " are accepted"));
                return;
            }
            if (ctx.request().method() != HttpMethod.POST) {
                ctx.next();
                return;
            }
            // the body and the message made from it; a body of unknown length may reach the limit
            long heap = 2 * (declared < 0 ? limit : declared);
            if (!budget.tryReserve(heap)) {
                refuse(ctx, ApiProblem.insufficientStorage());
                return;
            }
            ctx.addEndHandler(done -> budget.release(heap));
            ctx.next();
        });
    }

    /** Answers before the body is read; the unread body follows on this connection, so it is closed. */
    private void refuse(io.vertx.ext.web.RoutingContext ctx, ApiProblem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem.toProblem(ctx.request().path()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (problem.retryAfter() != null) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
        }
        ctx.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
