package dev.mailgate.submission;

import dev.mailgate.audit.AuditEvent;
import dev.mailgate.audit.AuditLog;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import dev.mailgate.mail.Submission;
import dev.mailgate.policy.ContentPolicy;
import dev.mailgate.policy.SendingLimits;
import dev.mailgate.policy.SpamFilter;
import dev.mailgate.queue.MessageStore;
import dev.mailgate.queue.NewMessage;
import dev.mailgate.queue.SendingQuota;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one way into the queue, for SMTP and the HTTP API alike: authorize the author headers, add a
 * Message-ID where missing, commit. The outcome is known only after the commit; a store failure is
 * a temporary refusal (451 4.3.0 / 503), never an acceptance and never a permanent error.
 */
@ApplicationScoped
public class SubmissionService {

    private static final Logger LOG = Logger.getLogger(SubmissionService.class);

    private final MessageStore store;
    private final ContentPolicy contentPolicy;
    private final SpamFilter spamFilter;
    private final SendingLimits limits;
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final String hostname;
    private final Clock clock = Clock.systemUTC();

    public SubmissionService(
            MessageStore store,
            MeterRegistry metrics,
            MailgateConfig config,
            ContentPolicy contentPolicy,
            SpamFilter spamFilter,
            SendingLimits limits,
            AuditLog audit) {
        this.contentPolicy = contentPolicy;
        this.spamFilter = spamFilter;
        this.limits = limits;
        this.audit = audit;
        this.store = store;
        this.metrics = metrics;
        this.hostname = config.smtp().effectiveHostname();
    }

    public Uni<SubmissionOutcome> submit(Submission submission) {
        HeaderSection headers = HeaderSection.parse(submission.message());
        Optional<Refusal> refusal = authorize(submission, headers);
        if (refusal.isPresent()) {
            return Uni.createFrom().item(refused(submission, refusal.get()));
        }
        // Policy, cheapest first: content rules, then rspamd, then the sending limits, counted in the
        // transaction that stores the message (so refused content never uses up the quota).
        ContentPolicy.Verdict content = contentPolicy.check(headers, submission.message());
        content.warnings().forEach(w -> policyAudit(submission, "policy.warning", w));
        if (content.refusal().isPresent()) {
            policyAudit(submission, "policy.refused", content.refusal().get().smtpReply());
            return Uni.createFrom().item(refused(submission, content.refusal().get()));
        }
        return spamFilter.check(submission, headers).chain(spam -> {
            if (spam.refusal().isPresent()) {
                return Uni.createFrom().item(refused(submission, spam.refusal().get()));
            }
            byte[] raw = spam.addHeaders().isEmpty()
                    ? submission.message()
                    : insertHeader(submission.message(), 0, spam.addHeaders());
            return store(submission, raw, HeaderSection.parse(raw));
        });
    }

    private void policyAudit(Submission submission, String type, String detail) {
        audit.record(new AuditEvent(
                Instant.now(),
                type,
                submission.identity().principal(),
                submission.clientAddress(),
                submission.door().label(),
                submission.id(),
                detail));
    }

    private Uni<SubmissionOutcome> store(Submission submission, byte[] raw, HeaderSection headers) {
        Optional<String> messageId = headers.first("message-id");
        if (messageId.isEmpty()) {
            String generated = "<" + submission.id() + "@" + hostname + ">";
            raw = insertHeader(raw, headers.end(), "Message-ID: " + generated + "\r\n");
            messageId = Optional.of(generated);
        }
        NewMessage message = new NewMessage(
                submission.id(),
                clock.instant(),
                submission.identity().principal(),
                submission.clientAddress(),
                submission.door(),
                submission.envelope(),
                raw,
                messageId);
        Identity identity = submission.identity();
        SendingQuota.Charge charge = new SendingQuota.Charge(
                identity.principal(), submission.envelope().recipients().size(), limits.of(identity));
        return store.store(message, charge)
                .map(exceeded -> {
                    if (exceeded.isPresent()) {
                        Refusal refusal = limits.refusal(
                                exceeded.get().limit(), exceeded.get().retryAfterSeconds());
                        policyAudit(submission, "limit.exceeded", refusal.smtpReply());
                        return refused(submission, refusal);
                    }
                    return accepted(submission);
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.errorf(failure, "could not store message %s", submission.id());
                    return refused(submission, Refusal.storeUnavailable());
                });
    }

    private static Optional<Refusal> authorize(Submission submission, HeaderSection headers) {
        if (!submission.identity().maySend()) {
            return Optional.of(Refusal.missingRole(submission.identity().principal()));
        }
        if (!submission.identity().owns(submission.envelope().sender())) {
            return Optional.of(Refusal.senderNotOwned(
                    "Sender address", submission.envelope().sender()));
        }
        return SenderHeaders.check(headers, submission.identity());
    }

    private SubmissionOutcome accepted(Submission submission) {
        metrics.counter("mailgate.messages.accepted", "door", submission.door().label())
                .increment();
        metrics.summary("mailgate.messages.size", "door", submission.door().label())
                .record(submission.message().length);
        return new SubmissionOutcome.Accepted(submission.id());
    }

    private SubmissionOutcome refused(Submission submission, Refusal refusal) {
        metrics.counter(
                        "mailgate.messages.refused",
                        "door",
                        submission.door().label(),
                        "status",
                        refusal.enhancedStatus())
                .increment();
        return new SubmissionOutcome.Refused(refusal);
    }

    private static byte[] insertHeader(byte[] raw, int at, String header) {
        byte[] line = header.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[raw.length + line.length];
        System.arraycopy(raw, 0, out, 0, at);
        System.arraycopy(line, 0, out, at, line.length);
        System.arraycopy(raw, at, out, at + line.length, raw.length - at);
        return out;
    }
}
