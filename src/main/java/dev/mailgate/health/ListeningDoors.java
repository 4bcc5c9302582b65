package dev.mailgate.health;

import dev.mailgate.mail.Door;
import java.util.List;
import java.util.Map;

/**
 * What the SMTP listeners tell the readiness check: which doors are configured to listen and on which port
 * each one is listening now. Defined here so that health depends on no door; the listeners implement it.
 */
public interface ListeningDoors {

    /** Doors that are configured to listen. */
    List<Door> enabledDoors();

    /** The port each enabled door is listening on; a door that is not listening is absent. */
    Map<Door, Integer> boundPorts();
}
