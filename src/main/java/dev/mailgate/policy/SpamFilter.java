package dev.mailgate.policy;

import dev.mailgate.audit.AuditEvent;
import dev.mailgate.audit.AuditLog;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.EnvelopeRecipient;
import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Refusal;
import dev.mailgate.mail.Submission;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * rspamd's verdict turned into mailgate's answer: {@code reject} → {@code 550 5.7.1} with rspamd's
 * reason; {@code soft reject} → {@code 451 4.7.1}; {@code add header}/{@code rewrite subject} → stored
 * with {@code X-Spam-*} headers; anything else passes. rspamd unreachable: fail-open (default; metric
 * {@code mailgate.filter.verdicts{verdict=unavailable}} and an audit line) or fail-closed ({@code 451 4.7.1}).
 */
@ApplicationScoped
public class SpamFilter {

    private static final Logger LOG = Logger.getLogger(SpamFilter.class);

    /** Either a refusal, or headers (possibly empty, CRLF-terminated lines) to add before storing. */
    public record Result(Optional<Refusal> refusal, String addHeaders) {
        static Result pass() {
            return new Result(Optional.empty(), "");
        }
    }

    private final RspamdClient rspamd;
    private final boolean failOpen;
    private final AuditLog audit;
    private final MeterRegistry metrics;

    @jakarta.inject.Inject
    public SpamFilter(RspamdClient rspamd, MailgateConfig config, AuditLog audit, MeterRegistry metrics) {
        this(rspamd, config.filter().failOpen(), audit, metrics);
    }

    public SpamFilter(RspamdClient rspamd, boolean failOpen, AuditLog audit, MeterRegistry metrics) {
        this.rspamd = rspamd;
        this.failOpen = failOpen;
        this.audit = audit;
        this.metrics = metrics;
    }

    public Uni<Result> check(Submission submission, HeaderSection headers) {
        if (!rspamd.enabled()) {
            return Uni.createFrom().item(Result.pass());
        }
        return rspamd.check(
                        submission.message(),
                        submission.envelope().sender(),
                        submission.envelope().recipients().stream()
                                .map(EnvelopeRecipient::address)
                                .toList(),
                        submission.clientAddress(),
                        submission.identity().principal(),
                        submission.id().toString())
                .map(verdict -> decide(submission, verdict))
                .onFailure()
                .recoverWithItem(failure -> unavailable(submission, failure));
    }

    Result decide(Submission submission, RspamdClient.Verdict verdict) {
        String action = verdict.action().toLowerCase(Locale.ROOT);
        count(action);
        String detail = "action=" + action + " score=" + verdict.score() + "/" + verdict.requiredScore() + " symbols="
                + String.join(",", verdict.symbols());
        switch (action) {
            case "reject" -> {
                audit(submission, "filter.rejected", detail);
                return new Result(Optional.of(Refusal.policy("Message rejected as spam: " + verdict.reason())), "");
            }
            case "soft reject" -> {
                audit(submission, "filter.deferred", detail);
                return new Result(
                        Optional.of(Refusal.policyDeferred("Message deferred by the spam filter: " + verdict.reason())),
                        "");
            }
            case "add header", "rewrite subject" -> {
                audit(submission, "filter.flagged", detail);
                return new Result(
                        Optional.empty(),
                        "X-Spam-Flag: YES\r\nX-Spam-Action: " + action
                                + "\r\nX-Spam-Score: " + verdict.score() + " / " + verdict.requiredScore()
                                + "\r\nX-Spam-Status: Yes, score=" + verdict.score() + "\r\n");
            }
            default -> {
                return Result.pass();
            }
        }
    }

    private Result unavailable(Submission submission, Throwable failure) {
        count("unavailable");
        LOG.warnf(
                "rspamd unavailable for message %s (%s): %s",
                submission.id(), failOpen ? "fail-open" : "fail-closed", failure.getMessage());
        audit(
                submission,
                "filter.unavailable",
                (failOpen ? "accepted unfiltered (fail-open): " : "deferred (fail-closed): ") + failure.getMessage());
        return failOpen
                ? Result.pass()
                : new Result(Optional.of(Refusal.policyDeferred("Spam filter unavailable, try again later")), "");
    }

    private void count(String verdict) {
        metrics.counter("mailgate.filter.verdicts", "verdict", verdict).increment();
    }

    private void audit(Submission submission, String type, String detail) {
        audit.record(new AuditEvent(
                Instant.now(),
                type,
                submission.identity().principal(),
                submission.clientAddress(),
                submission.door().label(),
                submission.id(),
                detail));
    }
}
