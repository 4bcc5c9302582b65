package dev.mailgate.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real PostgreSQL 15 server from Maven Central (zonky embedded binaries), one per JVM.
 * It runs as root too: zonky wraps the server in {@code unshare -U} when started by root.
 * Stopping and starting it again on the same port lets tests take the database away and give it back.
 */
public final class PostgresServer {

    private static PostgresServer shared;

    private final int port;
    private final java.nio.file.Path dataDirectory;
    /** Set when another class loader owns the server: "start"/"stop" go to it. */
    private final java.util.function.Consumer<String> owner;

    private EmbeddedPostgres postgres;

    private PostgresServer(int port, java.nio.file.Path dataDirectory, java.util.function.Consumer<String> owner) {
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.owner = owner;
    }

    /** The server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer root = SystemLoaded.delegate(
                    PostgresServer.class,
                    "shared",
                    instance -> new PostgresServer(
                            (Integer) SystemLoaded.call(instance, "port"),
                            null,
                            command -> SystemLoaded.call(instance, command)));
            if (root != null) {
                shared = root;
                return shared;
            }
            try {
                shared = new PostgresServer(freePort(), java.nio.file.Files.createTempDirectory("mailgate-pg"), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.start();
            PostgresServer owned = shared;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                owned.stop();
                                deleteTree(owned.dataDirectory);
                            },
                            "postgres-stop"));
        }
        return shared;
    }

    public synchronized void start() {
        if (owner != null) {
            owner.accept("start");
            return;
        }
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    // zonky's defaults are fsync off and synchronous_commit off: a COMMIT would return before
                    // its WAL is on disk, and "250 after the commit" would promise nothing. Both on, as in production.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    public synchronized void stop() {
        if (owner != null) {
            owner.accept("stop");
            return;
        }
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
        }
    }

    public int port() {
        return port;
    }

    /** URL in the form {@code quarkus.datasource.reactive.url} takes. */
    public String reactiveUrl() {
        return "postgresql://localhost:" + port + "/postgres";
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    private static void deleteTree(java.nio.file.Path root) {
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is no test failure
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
