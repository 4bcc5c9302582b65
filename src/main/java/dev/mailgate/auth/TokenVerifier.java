package dev.mailgate.auth;

import dev.mailgate.mail.Identity;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Verifies a bearer token outside HTTP (SMTP AUTH) with Quarkus OIDC itself: signature against
 * the realm JWKS (refetched on an unknown kid), issuer, expiry, audience. No hand-written JWT code.
 * A token verified before (over SMTP or HTTP) is answered from {@link VerifiedTokens}.
 */
@ApplicationScoped
public class TokenVerifier {

    private final TenantIdentityProvider oidc;
    private final IdentityMapper mapper;
    private final VerifiedTokens verified;

    public TokenVerifier(TenantIdentityProvider oidc, IdentityMapper mapper, VerifiedTokens verified) {
        this.oidc = oidc;
        this.mapper = mapper;
        this.verified = verified;
    }

    /** The identity behind the token; fails with {@link AuthenticationRefused} or {@link AuthenticationUnavailable}. */
    public Uni<Identity> verify(String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(new AuthenticationRefused("empty token"));
        }
        var known = verified.find(token);
        if (known.isPresent()) {
            return Uni.createFrom().item(mapper.toIdentity(known.get()));
        }
        return Uni.createFrom()
                .deferred(() -> oidc.authenticate(new AccessTokenCredential(token)))
                .invoke(identity -> verified.remember(token, identity))
                .map(mapper::toIdentity)
                .onFailure()
                .transform(TokenVerifier::classify);
    }

    static RuntimeException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return new AuthenticationUnavailable("identity provider unreachable", failure);
            }
            if (t instanceof AuthenticationRefused refused) {
                return refused;
            }
        }
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new AuthenticationRefused("token rejected: " + firstLine(reason));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
