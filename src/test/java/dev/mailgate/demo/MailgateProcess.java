package dev.mailgate.demo;

import dev.mailgate.testsupport.LogTail;
import dev.mailgate.testsupport.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged app ({@code java -jar quarkus-run.jar}) as a child process whose output goes to a log file. */
final class MailgateProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path jar;
    private final Path logFile;
    private final int httpPort;
    private final List<String> properties;
    private Process process;

    /** {@code properties} as {@code key=value}, passed as system properties (they win over application.properties). */
    MailgateProcess(Path jar, Path logFile, int httpPort, List<String> properties) {
        this.jar = jar;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.properties = properties;
    }

    void start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // JVM options for the app (e.g. -Xmx, as a container's memory limit would impose): MAILGATE_JAVA_OPTS
        String javaOpts = System.getenv("MAILGATE_JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank()) {
            command.addAll(List.of(javaOpts.trim().split("\\s+")));
        }
        properties.forEach(property -> command.add("-D" + property));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + jar, e);
        }
    }

    /** Polls {@code /q/health/ready} until 200; false when the app died or the timeout passed. */
    boolean awaitReady() throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        return false;
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    synchronized void stop() {
        if (process != null) {
            ProcessTree.kill(process.toHandle(), Duration.ofSeconds(20));
            process = null;
        }
    }

    Path logFile() {
        return logFile;
    }

    String logTail() {
        return LogTail.of(logFile, 80);
    }

    long pid() {
        return process.pid();
    }
}
