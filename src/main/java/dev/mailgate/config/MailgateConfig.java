package dev.mailgate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code mailgate.*} configuration contract of SPEC.md. Key names are a public contract:
 * outside tests and operators' environment variables use them. Bad values stop start-up with
 * a message that names the key (Hibernate Validator on the mapping).
 */
@ConfigMapping(prefix = "mailgate")
public interface MailgateConfig {

    Smtp smtp();

    Tls tls();

    Auth auth();

    Limits limits();

    Delivery delivery();

    Dkim dkim();

    Api api();

    Filter filter();

    Audit audit();

    interface Smtp {
        /** Name in the greeting and EHLO; the machine's host name when unset. */
        Optional<String> hostname();

        @WithDefault("0.0.0.0")
        @NotBlank
        String bind();

        /** STARTTLS listener; -1 disables, 0 picks a free port (tests). */
        @WithDefault("587")
        @Min(-1)
        @Max(65535)
        int submissionPort();

        /** Implicit-TLS listener; -1 disables, 0 picks a free port (tests). */
        @WithDefault("465")
        @Min(-1)
        @Max(65535)
        int submissionsPort();

        /**
         * Heap that message content may take, received and being delivered together (e.g. {@code 64M}); unset =
         * a quarter of the maximum heap. Messages being received take their size, deliveries three times theirs;
         * a message that does not fit is answered 452 4.3.1 (try again later), a delivery waits.
         */
        Optional<MemorySize> contentBuffer();

        /** A session with no input for this long is closed with 421 (RFC 5321 §4.5.3.2 wants at least 5 minutes). */
        @WithDefault("5m")
        Duration idleTimeout();

        /** CIDRs (IPv4/IPv6) that may connect; empty = everyone not denied. Checked on the real (PROXY) address. */
        Optional<List<@NotBlank String>> allow();

        /** CIDRs that may not connect; deny wins over allow. */
        Optional<List<@NotBlank String>> deny();

        /** {@code reply}: {@code 554 5.7.1} then close; {@code close}: close silently. */
        @WithDefault("reply")
        DenyAction denyAction();

        /** Apply {@code allow}/{@code deny} to the HTTP API too (403 problem+json for a refused address). */
        @WithDefault("false")
        boolean listsApplyToApi();

        /** Concurrent SMTP connections on this instance; beyond it {@code 421 4.7.0}. */
        @WithDefault("1000")
        @Min(1)
        int maxConnections();

        /** Concurrent SMTP connections per client address on this instance; beyond it {@code 421 4.7.0}. */
        @WithDefault("20")
        @Min(1)
        int maxConnectionsPerAddress();

        /** Expect a PROXY protocol v1/v2 header first on both SMTP listeners (behind a load balancer). */
        @WithDefault("false")
        boolean proxyProtocol();

        /** Peers allowed to send a PROXY header; any other peer is refused. */
        Optional<List<@NotBlank String>> trustedProxies();

        /** How long a proxy may take to send its header. */
        @WithDefault("10s")
        Duration proxyTimeout();

        enum DenyAction {
            REPLY,
            CLOSE
        }

        default String effectiveHostname() {
            return hostname().orElseGet(MailgateConfig::localHostName);
        }
    }

    interface Tls {
        /** PEM certificate chain for both SMTP listeners. */
        Optional<Path> cert();

        /** PEM private key for both SMTP listeners. */
        Optional<Path> key();
    }

    interface Auth {
        @WithDefault("mailgate")
        @NotBlank
        String audience();

        @WithDefault("mail-send")
        @NotBlank
        String sendRole();

        /** Role that may read every message's status and the audit log. */
        @WithDefault("mail-admin")
        @NotBlank
        String adminRole();

        @WithDefault("allowed_senders")
        @NotBlank
        String sendersClaim();

        /** Token claim with per-principal sending-limit overrides, e.g. {@code {"messages-per-minute": 500}}. */
        @WithDefault("mailgate_limits")
        @NotBlank
        String limitsClaim();
    }

    interface Limits {
        @WithDefault("26214400")
        @Min(1024)
        long maxMessageSize();

        @WithDefault("100")
        @Min(1)
        @Max(100000)
        int recipientsPerMessage();

        @WithDefault("120")
        @Min(1)
        int messagesPerMinute();

        @WithDefault("5")
        @Min(1)
        int authFailures();

        /** Per principal, all doors and instances together; unset = no limit in that window. */
        Optional<@Min(1) Integer> messagesPerHour();

        Optional<@Min(1) Integer> messagesPerDay();

        Optional<@Min(1) Integer> recipientsPerMinute();

        Optional<@Min(1) Integer> recipientsPerHour();

        Optional<@Min(1) Integer> recipientsPerDay();

        /** Overrides per principal: {@code mailgate.limits.principal."alice".messages-per-minute=500}. */
        Map<String, PrincipalLimits> principal();

        /** Window of {@code auth-failures} (per client address). */
        @WithDefault("5m")
        Duration authFailureWindow();

        /** Failures for one principal (from any addresses) within the window before that principal is locked. */
        @WithDefault("10")
        @Min(1)
        int authFailuresPerPrincipal();

        /** Cool-down after the threshold; every further failure during it starts it again. */
        @WithDefault("15m")
        Duration authLockout();

        /** Max To: + Cc: addresses in one message's headers (0 = no check beyond recipients-per-message). */
        @WithDefault("100")
        @Min(0)
        int maxToCc();

        /** Messages one SMTP session may submit before it must reconnect. */
        @WithDefault("1000")
        @Min(1)
        int messagesPerSession();
    }

    interface PrincipalLimits {
        Optional<Integer> messagesPerMinute();

        Optional<Integer> messagesPerHour();

        Optional<Integer> messagesPerDay();

        Optional<Integer> recipientsPerMinute();

        Optional<Integer> recipientsPerHour();

        Optional<Integer> recipientsPerDay();
    }

    interface Filter {
        /** rspamd controller/normal worker base URL, e.g. {@code http://127.0.0.1:11333}; unset = no spam check. */
        Optional<String> rspamdUrl();

        /** When rspamd cannot be reached: accept (true, default) or answer {@code 451 4.7.1} (false). */
        @WithDefault("true")
        boolean failOpen();

        @WithDefault("10s")
        Duration rspamdTimeout();

        /** Attachment extensions refused (also inside zip archives). */
        @WithDefault("exe,scr,js,vbs,bat,cmd,com,jar,msi,ps1,hta")
        List<String> blockedExtensions();

        /**
         * Header checks, each {@code action:header-name:regex} with action {@code reject} (550 5.7.1),
         * {@code defer} (451 4.7.1) or {@code warn} (audit only); the regex is matched against the unfolded value.
         */
        Optional<List<@NotBlank String>> headerChecks();
    }

    interface Audit {
        /** Audit rows older than this are deleted by a scheduled job. */
        @WithDefault("90d")
        Duration retention();

        /** How often the retention job runs. */
        @WithDefault("1h")
        String retentionEvery();
    }

    interface Delivery {
        @WithDefault("mx")
        Mode mode();

        @WithDefault("25")
        @Min(1)
        @Max(65535)
        int port();

        /** {@code host:port} resolvers for MX/A/AAAA; the system resolver when unset. */
        Optional<List<@NotBlank String>> dnsServers();

        @WithDefault("opportunistic")
        TlsPolicy tls();

        @WithDefault("false")
        boolean trustAll();

        Optional<Path> captureDir();

        Optional<String> heloName();

        /** Undeliverable after this long in the queue (RFC 5321 §4.5.4.1 suggests 4–5 days). */
        @WithDefault("5d")
        Duration maxAge();

        /** Run delivery workers in this instance (off in the {@code %test} profile, see application.properties). */
        @WithDefault("true")
        boolean enabled();

        /** Deliveries (message × recipient domain) one instance runs at the same time. */
        @WithDefault("8")
        @Min(1)
        @Max(1000)
        int workers();

        /** How often an idle instance looks for due recipients. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Recipients claimed at most per look. */
        @WithDefault("100")
        @Min(1)
        @Max(10000)
        int batchSize();

        /** How long a claimed recipient stays leased; longer than one delivery can take. */
        @WithDefault("30m")
        Duration lease();

        /** First retry delay after a temporary failure; doubled per attempt up to {@link #retryMax()}. */
        @WithDefault("5m")
        Duration retryInitial();

        @WithDefault("4h")
        Duration retryMax();

        /**
         * Send one "delayed" DSN (RFC 3464 Action: delayed) when a recipient is still deferred this long
         * after the message arrived; unset: no delay notices.
         */
        Optional<Duration> delayNotice();

        /** Apply recipient domains' MTA-STS policies (RFC 8461) in {@code mx} mode. */
        @WithDefault("true")
        boolean mtaSts();

        /** HTTPS port of {@code mta-sts.<domain>} (443; other values only for tests). */
        @WithDefault("443")
        @Min(1)
        @Max(65535)
        int mtaStsPort();

        /** TCP connect timeout per MX address. */
        @WithDefault("30s")
        Duration connectTimeout();

        /** An idle outbound connection is kept this long for the next message to the same host (0: no reuse). */
        @WithDefault("5s")
        Duration connectionReuse();

        /**
         * Per-command reply timeouts of RFC 5321 §4.5.3.2 (greeting/MAIL/RCPT 5 min, DATA 2 min, end of
         * data 10 min) are multiplied by this; below 1 only for tests.
         */
        @WithDefault("1.0")
        double timeoutScale();

        Relay relay();

        interface Relay {
            /** Smart host for {@code mode=relay}. */
            Optional<String> host();

            @WithDefault("587")
            int port();

            Optional<String> username();

            Optional<String> password();

            /** Implicit TLS from the first byte (port 465); otherwise STARTTLS per {@code mailgate.delivery.tls}. */
            @WithDefault("false")
            boolean ssl();
        }

        default String effectiveHeloName(Smtp smtp) {
            return heloName().orElseGet(smtp::effectiveHostname);
        }

        enum Mode {
            MX,
            RELAY,
            CAPTURE
        }

        enum TlsPolicy {
            OPPORTUNISTIC,
            REQUIRED,
            NONE
        }
    }

    /** The HTTPS send API ({@code /v1/messages}). */
    interface Api {
        /** Total decoded size of the attachments of one JSON message; beyond it HTTP 413. */
        @WithDefault("18874368")
        @Min(0)
        long maxAttachmentsSize();

        /** How long an {@code Idempotency-Key} is remembered per principal. */
        @WithDefault("24h")
        Duration idempotencyTtl();

        /**
         * How long a duplicate request waits for the first request with the same key to finish before
         * it is answered 409 (try again).
         */
        @WithDefault("10s")
        Duration idempotencyWait();

        /**
         * A request that claimed an {@code Idempotency-Key} and has not finished after this long is
         * considered dead (crashed instance): its key may be claimed again unless its message was committed.
         */
        @WithDefault("5m")
        Duration idempotencyAbandonAfter();
    }

    interface Dkim {
        /** Folder of {@code <selector>._domainkey.<domain>.pem} private keys. */
        Optional<Path> keys();
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
