package dev.mailgate.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Remembers every bearer token that Quarkus OIDC has just verified on HTTP, for {@link CachedTokenIdentityProvider}. */
@ApplicationScoped
public class VerifiedTokenAugmentor implements SecurityIdentityAugmentor {

    private final VerifiedTokens verified;

    public VerifiedTokenAugmentor(VerifiedTokens verified) {
        this.verified = verified;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE; // after any other augmentor: keep the finished identity
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        AccessTokenCredential token =
                identity.isAnonymous() ? null : identity.getCredential(AccessTokenCredential.class);
        if (token != null && token.getToken() != null && !verified.holds(token.getToken())) {
            verified.remember(token.getToken(), identity);
        }
        return Uni.createFrom().item(identity);
    }
}
