package dev.mailgate.it;

import dev.mailgate.api.MessagesApiTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The send API tests against the packaged application (JVM jar here, the native executable in the
 * native workflow): Jakarta Mail composition, Jackson records and problem+json without reflection surprises.
 */
@QuarkusIntegrationTest
class MessagesApiIT extends MessagesApiTest {}
