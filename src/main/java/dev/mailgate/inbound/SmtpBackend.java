package dev.mailgate.inbound;

import dev.mailgate.audit.AuditEvent;
import dev.mailgate.audit.AuditLog;
import dev.mailgate.auth.AuthenticationRefused;
import dev.mailgate.auth.PasswordVerifier;
import dev.mailgate.auth.TokenVerifier;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Submission;
import dev.mailgate.policy.AuthGuard;
import dev.mailgate.submission.SubmissionOutcome;
import dev.mailgate.submission.SubmissionService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * What an SMTP session's actions need from the rest of mailgate: credential checks against
 * Keycloak, the shared submission path, the audit log and metrics. Keeps the socket adapter thin.
 */
@ApplicationScoped
public class SmtpBackend {

    private final TokenVerifier tokens;
    private final PasswordVerifier passwords;
    private final SubmissionService submissions;
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final AuthGuard guard;

    public SmtpBackend(
            TokenVerifier tokens,
            PasswordVerifier passwords,
            SubmissionService submissions,
            AuditLog audit,
            MeterRegistry metrics,
            AuthGuard guard) {
        this.guard = guard;
        this.tokens = tokens;
        this.passwords = passwords;
        this.submissions = submissions;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * Checks the brute-force lockouts first (a locked address, or a locked principal from an address that
     * failed for it, gets {@code 454 4.7.0} without the credential being looked at, and the attempt extends
     * the lockout), then the credential; every refused credential is counted by {@link AuthGuard}.
     */
    Uni<AuthResult> authenticate(Credential credential, String mechanism, String clientAddress, Door door) {
        String user = credential instanceof Credential.Password password
                ? password.username()
                : ((Credential.BearerToken) credential).user().orElse("");
        return guard.mayTry(clientAddress, user).chain(allowed -> {
            if (!allowed) {
                count(mechanism, "locked");
                return guard.failed(clientAddress, user, door.label()).replaceWith((AuthResult)
                        new AuthResult.TemporaryFailure("locked out after repeated failures"));
            }
            return verify(credential, mechanism)
                    .call(result -> result instanceof AuthResult.InvalidCredentials
                            ? guard.failed(clientAddress, user, door.label())
                            : Uni.createFrom().voidItem());
        });
    }

    private Uni<AuthResult> verify(Credential credential, String mechanism) {
        Uni<Identity> verified = credential instanceof Credential.Password password
                ? passwords.verify(password.username(), password.password())
                : tokens.verify(((Credential.BearerToken) credential).token());
        return verified.map(identity -> {
                    count(mechanism, "success");
                    return (AuthResult) new AuthResult.Success(identity);
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    boolean refused = failure instanceof AuthenticationRefused;
                    count(mechanism, refused ? "failure" : "unavailable");
                    return refused
                            ? new AuthResult.InvalidCredentials(failure.getMessage())
                            : new AuthResult.TemporaryFailure(failure.getMessage());
                });
    }

    AuthGuard guard() {
        return guard;
    }

    Uni<SubmissionOutcome> submit(SessionAction.Submit submit, String clientAddress, Door door) {
        Timer.Sample sample = Timer.start(metrics);
        return submissions
                .submit(new Submission(
                        submit.identity(), clientAddress, door, submit.id(), submit.envelope(), submit.message()))
                .invoke(outcome -> sample.stop(metrics.timer("mailgate.smtp.data.commit", "door", door.label())));
    }

    void record(String type, String principal, String clientAddress, Door door, String detail) {
        audit.record(new AuditEvent(Instant.now(), type, principal, clientAddress, door.label(), null, detail));
    }

    void sessionOpened(Door door) {
        metrics.counter("mailgate.smtp.sessions", "door", door.label()).increment();
    }

    void connectionRefused(Door door, String reason) {
        metrics.counter("mailgate.smtp.connections.refused", "door", door.label(), "reason", reason)
                .increment();
    }

    void tlsEstablished(Door door, TlsInfo tls) {
        metrics.counter("mailgate.smtp.tls", "door", door.label(), "protocol", tls.protocol())
                .increment();
    }

    private void count(String mechanism, String result) {
        metrics.counter("mailgate.smtp.auth", "mechanism", mechanism, "result", result)
                .increment();
    }
}
