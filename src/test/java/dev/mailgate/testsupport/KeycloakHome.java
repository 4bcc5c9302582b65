package dev.mailgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throw-away Keycloak home for one run, in a temp folder.
 *
 * <p>{@code kc.sh} takes its home ({@code kc.home.dir}) from where the script file is, and keeps the dev-mode H2
 * database and the import folder under {@code data/}. So each run gets its own copy of {@code bin/kc.sh},
 * {@code conf/} and {@code lib/quarkus/} (which {@code start-dev} rewrites when it re-augments) and an empty
 * {@code data/}; the 160 MB of jars and the themes are symlinks into the unpacked distribution, which stays
 * untouched, so runs in parallel JVMs cannot disturb each other.
 *
 * <p>The first {@code start-dev} re-augments the prod-built distribution for dev mode (≈ 12 s). The result is kept
 * next to the distribution and copied into later homes, which then start without re-augmenting.
 */
final class KeycloakHome {

    private final Path distribution;
    private final Path root;

    private KeycloakHome(Path distribution, Path root) {
        this.distribution = distribution;
        this.root = root;
    }

    /**
     * The unpacked distribution: system property {@code keycloak.dist.home} (set by surefire and by exec:java),
     * else {@code target/keycloak-dist/keycloak-*} below the working directory.
     */
    static Path distribution() {
        String configured = System.getProperty("keycloak.dist.home");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath();
            requireDistribution(path);
            return path;
        }
        Path unpacked = Path.of("target", "keycloak-dist").toAbsolutePath();
        try (Stream<Path> candidates = Files.list(unpacked)) {
            Path path = candidates
                    .filter(p -> p.getFileName().toString().matches("keycloak-\\d.*"))
                    .filter(p -> Files.isRegularFile(p.resolve("bin/kc.sh")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Keycloak under " + unpacked));
            return path;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Keycloak is not unpacked: run ./mvnw process-test-resources (looked in " + unpacked + ")", e);
        }
    }

    private static void requireDistribution(Path path) {
        if (!Files.isRegularFile(path.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    "no Keycloak distribution at " + path + ": run ./mvnw process-test-resources, which unpacks it");
        }
    }

    static KeycloakHome createFor(Path distribution, RealmTemplates realms) {
        try {
            Path root = Files.createTempDirectory("mailgate-keycloak-");
            KeycloakHome home = new KeycloakHome(distribution, root);
            home.populate(realms.renderedByFileName());
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a Keycloak home", e);
        }
    }

    private void populate(Map<String, String> realmFiles) throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Path script = Files.copy(distribution.resolve("bin/kc.sh"), root.resolve("bin/kc.sh"));
        script.toFile().setExecutable(true);
        copyTree(distribution.resolve("conf"), root.resolve("conf"));
        Files.createDirectories(root.resolve("lib/lib"));
        Files.copy(distribution.resolve("lib/quarkus-run.jar"), root.resolve("lib/quarkus-run.jar"));
        Path augmented =
                Files.isDirectory(augmentationCache()) ? augmentationCache() : distribution.resolve("lib/quarkus");
        copyTree(augmented, root.resolve("lib/quarkus"));
        for (String shared :
                List.of("lib/app", "lib/lib/boot", "lib/lib/main", "lib/lib/deployment", "themes", "providers")) {
            if (Files.exists(distribution.resolve(shared))) {
                Files.createSymbolicLink(root.resolve(shared), distribution.resolve(shared));
            }
        }
        Path imports = Files.createDirectories(root.resolve("data/import"));
        for (Map.Entry<String, String> realm : realmFiles.entrySet()) {
            Files.writeString(imports.resolve(realm.getKey()), realm.getValue(), StandardCharsets.UTF_8);
        }
    }

    Path root() {
        return root;
    }

    Path script() {
        return root.resolve("bin/kc.sh");
    }

    /** After a successful start: keep the dev-mode augmentation for the next run (written aside, then renamed). */
    void rememberAugmentation() {
        Path cache = augmentationCache();
        if (Files.isDirectory(cache)) {
            return;
        }
        Path partial = cache.resolveSibling(
                cache.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            copyTree(root.resolve("lib/quarkus"), partial);
            Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException anotherJvmWasFaster) {
            deleteTree(partial);
        } catch (IOException e) {
            // only an optimisation: the next run re-augments
            deleteTree(partial);
        }
    }

    private Path augmentationCache() {
        return distribution.resolveSibling(distribution.getFileName() + "-start-dev-augmented");
    }

    /** Removes the home with its H2 database; the symlinks go, their targets stay. */
    void delete() {
        deleteTree(root);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Files.walk does not follow symlinks, so the shared distribution behind them is never touched.
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp folder left behind is harmless
        }
    }
}
