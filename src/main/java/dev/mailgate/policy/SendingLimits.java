package dev.mailgate.policy;

import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import dev.mailgate.mail.SendingLimit;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which sending limits apply to a principal, and what a sender over one is told. Limits are messages and
 * recipients per minute, hour and day, from {@code mailgate.limits.*}, overridden per principal by
 * {@code mailgate.limits.principal."<name>".*} and by the token's limits claim. The queue counts them in
 * the transaction that stores the messages ({@code queue.SendingQuota}); a message over a limit is
 * refused with {@code 451 4.7.1} / HTTP 429 and the seconds until that window ends.
 */
@ApplicationScoped
public class SendingLimits {

    private final MailgateConfig.Limits config;
    private final MeterRegistry metrics;

    public SendingLimits(MailgateConfig config, MeterRegistry metrics) {
        this.config = config.limits();
        this.metrics = metrics;
    }

    /** The limits that apply to this identity's messages. */
    public List<SendingLimit> of(Identity identity) {
        return windows(config, identity);
    }

    /** The answer to a message over {@code limit}, which may fit again in {@code retryAfterSeconds}. */
    public Refusal refusal(SendingLimit limit, long retryAfterSeconds) {
        metrics.counter(
                        "mailgate.limits.hits",
                        "what",
                        limit.what(),
                        "window",
                        limit.window().toString())
                .increment();
        return Refusal.rateLimited(
                limit.limit() + " " + limit.what() + " per " + describe(limit.window()), retryAfterSeconds);
    }

    private static String describe(Duration window) {
        return window.equals(Duration.ofMinutes(1))
                ? "minute"
                : window.equals(Duration.ofHours(1))
                        ? "hour"
                        : window.equals(Duration.ofDays(1)) ? "day" : window.toString();
    }

    /** The limits of one identity: its token claim first, then {@code mailgate.limits.principal."<name>"}, then the defaults. */
    static List<SendingLimit> windows(MailgateConfig.Limits limits, Identity identity) {
        MailgateConfig.PrincipalLimits own = limits.principal().get(identity.principal());
        Map<String, Integer> claim = identity.limits();
        List<SendingLimit> out = new ArrayList<>();
        add(
                out,
                "messages",
                Duration.ofMinutes(1),
                pick(
                        claim,
                        "messages-per-minute",
                        own == null ? null : own.messagesPerMinute(),
                        Optional.of(limits.messagesPerMinute())));
        add(
                out,
                "messages",
                Duration.ofHours(1),
                pick(claim, "messages-per-hour", own == null ? null : own.messagesPerHour(), limits.messagesPerHour()));
        add(
                out,
                "messages",
                Duration.ofDays(1),
                pick(claim, "messages-per-day", own == null ? null : own.messagesPerDay(), limits.messagesPerDay()));
        add(
                out,
                "recipients",
                Duration.ofMinutes(1),
                pick(
                        claim,
                        "recipients-per-minute",
                        own == null ? null : own.recipientsPerMinute(),
                        limits.recipientsPerMinute()));
        add(
                out,
                "recipients",
                Duration.ofHours(1),
                pick(
                        claim,
                        "recipients-per-hour",
                        own == null ? null : own.recipientsPerHour(),
                        limits.recipientsPerHour()));
        add(
                out,
                "recipients",
                Duration.ofDays(1),
                pick(
                        claim,
                        "recipients-per-day",
                        own == null ? null : own.recipientsPerDay(),
                        limits.recipientsPerDay()));
        return out;
    }

    private static Optional<Integer> pick(
            Map<String, Integer> claim, String name, Optional<Integer> own, Optional<Integer> global) {
        if (claim.containsKey(name)) {
            return Optional.of(claim.get(name));
        }
        return own != null && own.isPresent() ? own : global;
    }

    private static void add(List<SendingLimit> out, String what, Duration window, Optional<Integer> limit) {
        limit.filter(l -> l > 0).ifPresent(l -> out.add(new SendingLimit(what, window, l)));
    }
}
