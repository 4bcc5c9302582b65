package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;

/**
 * rspamd's HTTP protocol ({@code POST /checkv2}, the message as body, envelope and client facts as
 * headers), on Vert.x' HTTP client: no blocking. Answers rspamd's action, score and the reason to show.
 */
@ApplicationScoped
public class RspamdClient {

    /** rspamd's verdict. {@code action}: no action, greylist, add header, rewrite subject, soft reject, reject. */
    public record Verdict(String action, double score, double requiredScore, String reason, List<String> symbols) {}

    private final Optional<String> url;
    private final long timeoutMillis;
    private final HttpClient http;

    @Inject
    public RspamdClient(Vertx vertx, MailgateConfig config) {
        this(vertx, config.filter().rspamdUrl(), config.filter().rspamdTimeout().toMillis());
    }

    public RspamdClient(Vertx vertx, Optional<String> url, long timeoutMillis) {
        this.url = url.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        this.timeoutMillis = timeoutMillis;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(timeoutMillis, 5000))
                .setKeepAlive(true));
    }

    public boolean enabled() {
        return url.isPresent();
    }

    /** Fails (connection refused, timeout, non-200, unparsable) when rspamd cannot give a verdict. */
    public Uni<Verdict> check(
            byte[] message,
            String envelopeFrom,
            List<String> recipients,
            String clientAddress,
            String principal,
            String queueId) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url.orElseThrow() + "/checkv2")
                .setTimeout(timeoutMillis)
                .putHeader("From", envelopeFrom == null ? "" : envelopeFrom)
                .putHeader("IP", clientAddress)
                .putHeader("User", principal)
                .putHeader("Queue-Id", queueId)
                .putHeader("Pass", "all");
        for (String rcpt : recipients) {
            options.addHeader("Rcpt", rcpt);
        }
        return Uni.createFrom()
                .completionStage(() -> http.request(options)
                        .compose(request -> request.send(Buffer.buffer(message)))
                        .compose(response -> response.statusCode() == 200
                                ? response.body()
                                : io.vertx.core.Future.failedFuture("rspamd answered HTTP " + response.statusCode()))
                        .map(body -> parse(body.toJsonObject()))
                        .toCompletionStage())
                // A scan has no side effects, so a connection lost before the answer (a worker that
                // restarted or died mid-request) is worth one more try before fail-open/closed decides.
                .onFailure(RspamdClient::connectionLost)
                .retry()
                .atMost(1);
    }

    private static boolean connectionLost(Throwable failure) {
        // not ConnectException (a SocketException too): nobody listening will not change in a millisecond
        return failure instanceof HttpClosedException
                || failure instanceof SocketException && !(failure instanceof ConnectException);
    }

    static Verdict parse(JsonObject json) {
        String action = json.getString("action", "no action");
        JsonObject symbols = json.getJsonObject("symbols", new JsonObject());
        JsonObject messages = json.getJsonObject("messages", new JsonObject());
        String reason = messages.getString("smtp_message");
        if (reason == null || reason.isBlank()) {
            reason = symbols.containsKey("GTUBE") ? "Gtube pattern" : "Spam message rejected";
        }
        return new Verdict(
                action,
                json.getDouble("score", 0.0),
                json.getDouble("required_score", 0.0),
                reason.replaceAll("[\\r\\n]+", " "),
                List.copyOf(symbols.fieldNames()));
    }
}
