package dev.mailgate.demo;

import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.PostgresServer;
import dev.mailgate.testsupport.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The quick start: everything mailgate needs on a machine with only a JDK, then the packaged app, then a guide.
 *
 * <p>Run it with {@code ./run-demo} (packages the app, then {@code ./mvnw exec:java}). It starts an embedded
 * PostgreSQL, a Keycloak with the demo realm on port 8180 (or a free one), writes a self-signed certificate for
 * {@code localhost}, starts {@code target/quarkus-app/quarkus-run.jar} with capture delivery, prints how to send a
 * first mail and stays up until Ctrl-C, which stops all of it. Ports are above 1024 so it needs no root.
 */
public final class DemoLauncher {

    static final int KEYCLOAK_PORT = 8180;
    static final int HTTP_PORT = 8080;
    static final int SUBMISSION_PORT = 2587;
    static final int SUBMISSIONS_PORT = 2465;

    private DemoLauncher() {}

    public static void main(String[] args) throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Path demo = project.resolve("target/demo");
        Path appJar = project.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(appJar)) {
            fail("no " + appJar + ": build it first with ./mvnw package -DskipTests (./run-demo does both)");
        }
        List<Integer> busy = busyPorts(List.of(HTTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT));
        if (!busy.isEmpty()) {
            fail("ports " + busy + " are in use (another mailgate or demo still running?)");
        }

        System.out.println("Starting PostgreSQL ...");
        PostgresServer postgres = PostgresServer.shared();
        System.out.println("Starting Keycloak (30-60 s the first time) ...");
        KeycloakServer keycloak = KeycloakServer.shared(KEYCLOAK_PORT);
        TestCertificates tls = TestCertificates.generate(demo.resolve("tls"));
        Path outbox = Files.createDirectories(demo.resolve("outbox"));
        SampleMails samples = SampleMails.write(demo);

        MailgateProcess app = new MailgateProcess(
                appJar,
                demo.resolve("mailgate.log"),
                HTTP_PORT,
                unlessInEnvironment(List.of(
                        "quarkus.datasource.reactive.url=" + postgres.reactiveUrl(),
                        "quarkus.datasource.username=" + postgres.username(),
                        "quarkus.datasource.password=" + postgres.password(),
                        "quarkus.oidc.auth-server-url=" + keycloak.realmUrl(),
                        "quarkus.oidc.client-id=mailgate",
                        "quarkus.oidc.credentials.secret=" + keycloak.secret("mailgate"),
                        "mailgate.tls.cert=" + tls.certPath(),
                        "mailgate.tls.key=" + tls.keyPath(),
                        "mailgate.smtp.hostname=localhost",
                        "mailgate.smtp.submission-port=" + SUBMISSION_PORT,
                        "mailgate.smtp.submissions-port=" + SUBMISSIONS_PORT,
                        "quarkus.http.port=" + HTTP_PORT,
                        "mailgate.delivery.mode=capture",
                        "mailgate.delivery.capture-dir=" + outbox,
                        // a person reads the demo's log: plain text rather than production's JSON lines
                        "quarkus.log.console.json.enabled=false")));
        // One hook stops everything in order, so the app never sees its database or Keycloak vanish first.
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.set(true);
                            System.out.println("Stopping mailgate, Keycloak and PostgreSQL ...");
                            app.stop();
                            keycloak.stop();
                            postgres.stop();
                        },
                        "demo-stop"));

        System.out.println("Starting mailgate ...");
        app.start();
        if (!app.awaitReady()) {
            fail("mailgate did not become ready\n" + app.logTail());
        }
        System.out.println(DemoGuide.text(project, keycloak, tls, samples, outbox, app.logFile()));
        writeEnvironmentFile(demo.resolve("demo.env"), postgres, keycloak, tls, app);
        int exit = app.waitFor();
        if (stopping.get()) {
            return; // Ctrl-C: the hook stopped the app, that is no failure (and exit() here would hang the JVM)
        }
        fail("mailgate exited with " + exit + "\n" + app.logTail());
    }

    /**
     * Settings given as environment variables (MAILGATE_DELIVERY_MODE=relay ...) win over the demo's
     * defaults, so scripts such as bench/ can reuse the demo with other delivery or limits.
     */
    private static List<String> unlessInEnvironment(List<String> properties) {
        return properties.stream()
                .filter(p -> {
                    String key = p.substring(0, p.indexOf('='));
                    String env = key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
                    return System.getenv(env) == null;
                })
                .toList();
    }

    /** What scripts need to drive the running demo (bench/): sourced by bash. */
    private static void writeEnvironmentFile(
            Path file, PostgresServer postgres, KeycloakServer keycloak, TestCertificates tls, MailgateProcess app)
            throws IOException {
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "KEYCLOAK_REALM_URL=" + keycloak.realmUrl(),
                        "DATABASE_URL="
                                + postgres.reactiveUrl()
                                        .replace(
                                                "postgresql://",
                                                "postgresql://" + postgres.username() + ":" + postgres.password()
                                                        + "@"),
                        "SENDER_APP_SECRET=" + keycloak.secret("sender-app"),
                        "TLS_CERT=" + tls.certPath(),
                        "SUBMISSION_PORT=" + SUBMISSION_PORT,
                        "SUBMISSIONS_PORT=" + SUBMISSIONS_PORT,
                        "HTTP_PORT=" + HTTP_PORT,
                        "MAILGATE_PID=" + app.pid(),
                        ""));
    }

    private static List<Integer> busyPorts(List<Integer> ports) {
        return ports.stream()
                .filter(port -> {
                    try (ServerSocket socket = new ServerSocket(port)) {
                        return false;
                    } catch (IOException inUse) {
                        return true;
                    }
                })
                .toList();
    }

    private static void fail(String message) {
        System.err.println("DEMO FAILED: " + message);
        System.exit(1);
    }
}
