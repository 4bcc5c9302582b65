package dev.mailgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real rspamd (Debian package {@code rspamd}: {@code apt-get install -y rspamd}) for the test JVM:
 * Debian's stock configuration with this run's overrides in {@code target/rspamd} (workers on free
 * loopback ports, console log, no hyperscan compile, databases and pid file under target). No redis:
 * GTUBE and the core rules need none. Started once per JVM, stopped with it.
 */
public final class RspamdServer {

    /**
     * Two rules for tests only, keyed on a header a real client never sends: {@code X-Mailgate-Test: flag}
     * scores 10 (between Debian's add-header 6 and reject 15), {@code X-Mailgate-Test: soft} forces
     * {@code soft reject}. GTUBE needs nothing extra.
     */
    private static final String TEST_RULES = """
            rspamd_config.MAILGATE_TEST_FLAG = {
              callback = function(task) return task:get_header('X-Mailgate-Test') == 'flag' end,
              score = 10.0,
              description = 'mailgate test: flag as spam'
            }
            rspamd_config:register_symbol({
              name = 'MAILGATE_TEST_SOFT',
              type = 'prefilter',
              priority = 10,
              callback = function(task)
                if task:get_header('X-Mailgate-Test') == 'soft' then
                  task:set_pre_result('soft reject', 'Try again later (mailgate test)')
                end
              end
            })
            """;

    private static final Path BINARY = Path.of("/usr/bin/rspamd");
    private static final Path CONFIG = Path.of("/etc/rspamd/rspamd.conf");
    private static RspamdServer shared;

    private final Process process;
    private final int port;
    private final Path home;

    private RspamdServer(Process process, int port, Path home) {
        this.process = process;
        this.port = port;
        this.home = home;
    }

    /** Whether rspamd is installed here (tests that need it are skipped otherwise, with this message). */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isRegularFile(CONFIG);
    }

    public static final String MISSING = "rspamd is not installed: apt-get update && apt-get install -y rspamd";

    public static synchronized RspamdServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "rspamd-stop"));
        }
        return shared;
    }

    /** Base URL of the normal worker ({@code /checkv2}). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static RspamdServer start() {
        try {
            Path home = Files.createDirectories(Path.of("target", "rspamd").toAbsolutePath());
            Path local = Files.createDirectories(home.resolve("local.d"));
            Path override = Files.createDirectories(home.resolve("override.d"));
            int normal = freePort();
            Files.writeString(
                    override.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + normal + "\";\ncount = 1;\n");
            Files.writeString(
                    override.resolve("worker-controller.inc"),
                    "bind_socket = \"127.0.0.1:" + freePort() + "\";\ncount = 1;\n");
            Files.writeString(
                    override.resolve("worker-proxy.inc"),
                    "bind_socket = \"127.0.0.1:" + freePort() + "\";\ncount = 1;\n");
            Files.writeString(override.resolve("logging.inc"), "type = \"console\";\nlevel = \"warning\";\n");
            Files.writeString(local.resolve("options.inc"), "disable_hyperscan = true;\n");
            Files.writeString(home.resolve("rspamd.local.lua"), TEST_RULES);
            ProcessBuilder builder = new ProcessBuilder(List.of(
                            BINARY.toString(),
                            "-f",
                            "-i",
                            "-u",
                            "root",
                            "-g",
                            "root",
                            "-c",
                            CONFIG.toString(),
                            "--var",
                            "LOCAL_CONFDIR=" + home,
                            "--var",
                            "DBDIR=" + home,
                            "--var",
                            "RUNDIR=" + home,
                            "--var",
                            "LOGDIR=" + home))
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("rspamd.log").toFile());
            if (!"root".equals(System.getProperty("user.name"))) {
                builder.command().removeAll(List.of("-u", "root", "-g", "root"));
            }
            Process process = builder.start();
            RspamdServer server = new RspamdServer(process, normal, home);
            server.awaitReady(Duration.ofMinutes(4));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "rspamd exited with " + process.exitValue() + "; see " + home.resolve("rspamd.log"));
            }
            try {
                HttpURLConnection c =
                        (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still loading its configuration
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException(
                "rspamd did not answer within " + limit + "; see " + home.resolve("rspamd.log"));
    }

    /** The last lines of rspamd's log, for a failing test's message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(home.resolve("rspamd.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(rspamd log unreadable: " + e.getMessage() + ")";
        }
    }

    public synchronized void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
