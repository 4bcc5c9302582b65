package dev.mailgate.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.config.MailgateConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
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
 */
@ApplicationScoped
public class RequestSizeGuard {

    private final long maxMessageSize;
    private final long maxBodySize;
    private final ObjectMapper json;

    public RequestSizeGuard(MailgateConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody,
            ObjectMapper json) {
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
            if (declared <= limit) {
                ctx.next();
                return;
            }
            ApiProblem problem = raw ? ApiProblem.messageTooLarge(declared, limit)
                    : ApiProblem.requestTooLarge("the request body is " + declared + " octets, at most " + limit
                            + " are accepted");
            String body;
            try {
                body = json.writeValueAsString(problem.toProblem(ctx.request().path()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            // the unread body follows on this connection: answer and close it
            ctx.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(body);
        });
    }
}
