package dev.mailgate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a child process's log file, to put into failure messages. */
public final class LogTail {

    private LogTail() {}

    public static String of(Path logFile, int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.ISO_8859_1);
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return "--- last " + tail.size() + " lines of " + logFile + " ---\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "(no log at " + logFile + ": " + e + ")";
        }
    }
}
