package dev.mailgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Keycloak (the distribution unpacked by the pom) with the realms {@code mail} and {@code other}, one per JVM.
 *
 * <p>Every run gets a fresh Keycloak home in a temp folder ({@link KeycloakHome}), so the H2 database of an earlier
 * run can never make Keycloak skip the realm import, and the realm templates get fresh secrets and passwords
 * ({@link RealmTemplates}). Keycloak's output goes to {@code target/keycloak/keycloak-PORT.log}.
 *
 * <p>Always talk to it as {@code localhost}: Keycloak puts the host name the client used into {@code iss}, and
 * mailgate compares {@code iss} with its configured realm URL.
 */
public final class KeycloakServer {

    /** The realm that mailgate trusts; {@code other} exists to issue tokens mailgate must refuse. */
    public static final String REALM = "mail";

    public static final String OTHER_REALM = "other";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeycloakServer shared;

    private final int port;
    private final KeycloakHome home;
    private final RealmTemplates realms;
    private final Path logFile;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Duration startTime;

    private KeycloakServer(int port, KeycloakHome home, RealmTemplates realms, Path logFile) {
        this.port = port;
        this.home = home;
        this.realms = realms;
        this.logFile = logFile;
    }

    /** The Keycloak of this JVM on a free port, started on first use and stopped (whole process tree) at JVM exit. */
    public static KeycloakServer shared() {
        return shared(0);
    }

    /**
     * Like {@link #shared()}, but on {@code preferredPort} when that port is free (the demo asks for 8180 so the
     * printed URLs are the usual ones). Has no effect when this JVM's Keycloak already runs.
     */
    public static synchronized KeycloakServer shared(int preferredPort) {
        if (shared == null) {
            KeycloakServer root = SystemLoaded.delegate(KeycloakServer.class, "shared", instance -> {
                @SuppressWarnings("unchecked")
                Map<String, String> values = (Map<String, String>) SystemLoaded.call(instance, "generatedValues");
                return new KeycloakServer(
                        (Integer) SystemLoaded.call(instance, "port"), null, RealmTemplates.of(values), (Path)
                                SystemLoaded.call(instance, "logFile"));
            });
            if (root != null) {
                shared = root;
                return shared;
            }
            int port = preferredPort > 0 && isFree(preferredPort) ? preferredPort : freePort();
            Path distribution = KeycloakHome.distribution();
            Path logFile =
                    distribution.getParent().getParent().resolve("keycloak").resolve("keycloak-" + port + ".log");
            RealmTemplates realms = RealmTemplates.generate();
            KeycloakServer server =
                    new KeycloakServer(port, KeycloakHome.createFor(distribution, realms), realms, logFile);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
            server.start();
            shared = server;
        }
        return shared;
    }

    private void start() {
        long started = System.nanoTime();
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(
                            home.script().toString(), "start-dev", "--http-port=" + port, "--import-realm")
                    .directory(home.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // The admin account is never used by the tests; it only has to exist and not be guessable.
            builder.environment()
                    .put(
                            "KC_BOOTSTRAP_ADMIN_USERNAME",
                            "admin-" + RealmTemplates.randomValue().substring(0, 8));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", RealmTemplates.randomValue());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak did not start", e);
        }
        awaitReady();
        startTime = Duration.ofNanos(System.nanoTime() - started);
        home.rememberAugmentation();
        System.out.printf("Keycloak ready at %s in %d s (log: %s)%n", baseUrl(), startTime.toSeconds(), logFile);
    }

    private void awaitReady() {
        URI probe = URI.create(realmUrl() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(probe)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(500));
        }
        stop();
        throw new IllegalStateException("Keycloak not ready after " + READY_TIMEOUT.toSeconds() + " s\n" + logTail());
    }

    /** Stops Keycloak and every process it started (kc.sh runs java as a child), then removes its home. */
    public synchronized void stop() {
        if (home == null) {
            return; // attached to the server of another class loader: its owner stops it
        }
        if (process != null) {
            ProcessTree.kill(process.toHandle(), Duration.ofSeconds(20));
            process = null;
        }
        home.delete();
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public String realmUrl() {
        return baseUrl() + "/realms/" + REALM;
    }

    public String otherRealmUrl() {
        return baseUrl() + "/realms/" + OTHER_REALM;
    }

    /** How long the start took until the realm answered; measured for the record. */
    public Duration startTime() {
        return startTime;
    }

    /** The secrets and passwords generated for this run (for the same server seen from another class loader). */
    public Map<String, String> generatedValues() {
        return realms.values();
    }

    public Path logFile() {
        return logFile;
    }

    /** The generated secret of a confidential client of realm {@code mail}. */
    public String secret(String clientId) {
        return realms.secret(clientId);
    }

    /** The generated password of a user of realm {@code mail} (alice, bob, carol). */
    public String password(String username) {
        return realms.password(username);
    }

    /** An access token for a client's service account (client-credentials grant) in realm {@code mail}. */
    public String clientCredentialsToken(String clientId) {
        return token(
                realmUrl(),
                Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret(clientId)));
    }

    /**
     * A user's access token (resource owner password grant) in realm {@code mail}, through {@code clientId}:
     * the public {@code mail-client} like a mail program, or the confidential {@code mailgate} like SMTP PLAIN.
     */
    public String passwordToken(String clientId, String username) {
        return passwordToken(clientId, username, password(username));
    }

    /** Like {@link #passwordToken(String, String)} with a given password; a wrong one fails with {@code invalid_grant}. */
    public String passwordToken(String clientId, String username, String password) {
        Map<String, String> form = new java.util.LinkedHashMap<>(
                Map.of("grant_type", "password", "client_id", clientId, "username", username, "password", password));
        if (realms.hasSecret(clientId)) {
            form.put("client_secret", secret(clientId));
        }
        return token(realmUrl(), form);
    }

    /** A client-credentials token of {@code sender-app} in realm {@code other}: right role and audience, wrong issuer. */
    public String otherRealmToken() {
        return token(
                otherRealmUrl(),
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        "sender-app",
                        "client_secret",
                        realms.otherRealmSenderSecret()));
    }

    private String token(String realmUrl, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token request for " + form.get("client_id") + " failed: "
                        + response.statusCode() + " " + response.body());
            }
            JsonNode json = JSON.readTree(response.body());
            return json.get("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of Keycloak's log, for failure messages. */
    public String logTail() {
        return LogTail.of(logFile, 60);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a classpath resource as UTF-8 text. */
    static String resource(String name) {
        try (InputStream in = KeycloakServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> realmResources() {
        return List.of("/keycloak/mail-realm.json", "/keycloak/other-realm.json");
    }
}
