package dev.mailgate.health;

import dev.mailgate.mail.Door;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when every enabled SMTP door is listening. */
@Readiness
@ApplicationScoped
public class SmtpListenersCheck implements HealthCheck {

    private final ListeningDoors listeners;

    public SmtpListenersCheck(ListeningDoors listeners) {
        this.listeners = listeners;
    }

    @Override
    public HealthCheckResponse call() {
        Map<Door, Integer> bound = listeners.boundPorts();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("smtp-listeners");
        boolean up = true;
        for (Door door : listeners.enabledDoors()) {
            Integer port = bound.get(door);
            response.withData(door.label(), port == null ? "not listening" : "listening on " + port);
            up &= port != null;
        }
        return response.status(up).build();
    }
}
