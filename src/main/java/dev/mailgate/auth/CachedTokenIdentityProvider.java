package dev.mailgate.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Asked before Quarkus OIDC's own provider for HTTP bearer tokens: answers from {@link VerifiedTokens}
 * when this token was verified before, otherwise answers nothing and OIDC verifies it
 * ({@link VerifiedTokenAugmentor} then remembers the result).
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final VerifiedTokens verified;

    public CachedTokenIdentityProvider(VerifiedTokens verified) {
        this.verified = verified;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return SYSTEM_FIRST + 1000; // before OIDC's provider
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return Uni.createFrom()
                .item(verified.find(request.getToken().getToken())
                        .map(identity ->
                                forThisRequest(identity, HttpSecurityUtils.getRoutingContextAttribute(request)))
                        .orElse(null));
    }

    /** The cached identity, but pointing at this request's routing context, not the first one's. */
    private static SecurityIdentity forThisRequest(SecurityIdentity identity, RoutingContext routing) {
        if (routing == null) {
            return identity;
        }
        return QuarkusSecurityIdentity.builder(identity)
                .addAttribute(RoutingContext.class.getName(), routing)
                .build();
    }
}
