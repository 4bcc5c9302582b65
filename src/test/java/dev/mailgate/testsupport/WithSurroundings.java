package dev.mailgate.testsupport;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link Surroundings} for the whole suite (one place, not on every test class). */
@QuarkusTestResource(value = Surroundings.class, restrictToAnnotatedClass = false)
public final class WithSurroundings {
    private WithSurroundings() {}
}
