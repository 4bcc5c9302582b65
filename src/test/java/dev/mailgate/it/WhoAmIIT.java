package dev.mailgate.it;

import dev.mailgate.api.WhoAmIResourceTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The whoami tests against the packaged application: a bearer token from the real Keycloak on the
 * REST side and the JSON of a record (Jackson, reflection in native).
 */
@QuarkusIntegrationTest
class WhoAmIIT extends WhoAmIResourceTest {}
