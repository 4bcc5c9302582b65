package dev.mailgate.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ready-to-upload messages for the guide's curl commands. Written with CRLF line ends on purpose: mailgate refuses
 * bare LF in DATA (SMTP smuggling), and curl uploads files as they are.
 */
record SampleMails(Path fromApp, Path fromAlice) {

    static SampleMails write(Path folder) throws IOException {
        Files.createDirectories(folder);
        return new SampleMails(
                write(folder.resolve("mail-from-app.txt"), "app@example.com", "Hello from sender-app"),
                write(folder.resolve("mail-from-alice.txt"), "alice@example.com", "Hello from alice"));
    }

    private static Path write(Path file, String from, String subject) throws IOException {
        String message = String.join(
                "\r\n",
                "From: " + from,
                "To: someone@example.net",
                "Subject: " + subject,
                "",
                "This mail went through mailgate.",
                "");
        return Files.writeString(file, message, StandardCharsets.US_ASCII);
    }
}
