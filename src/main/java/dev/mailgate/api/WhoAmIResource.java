package dev.mailgate.api;

import dev.mailgate.auth.IdentityMapper;
import dev.mailgate.mail.Identity;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.TreeSet;

/**
 * Shows a caller how mailgate sees its token: the principal, whether it may send, and the sender
 * addresses it owns. The first thing to check when a send is refused with "sender not owned".
 */
@Path("/v1/whoami")
@Authenticated
public class WhoAmIResource {

    /** Serialized by Jackson; registered for reflection so the native image keeps its accessors. */
    @RegisterForReflection
    public record WhoAmI(
            String principal, String email, List<String> allowedSenders, List<String> roles, boolean maySend) {}

    private final SecurityIdentity security;
    private final IdentityMapper mapper;

    public WhoAmIResource(SecurityIdentity security, IdentityMapper mapper) {
        this.security = security;
        this.mapper = mapper;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WhoAmI whoami() {
        Identity identity = mapper.toIdentity(security);
        return new WhoAmI(
                identity.principal(),
                identity.verifiedEmail().orElse(null),
                identity.allowedSenders(),
                List.copyOf(new TreeSet<>(identity.roles())),
                identity.maySend());
    }
}
