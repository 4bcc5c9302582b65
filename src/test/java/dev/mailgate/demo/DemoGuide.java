package dev.mailgate.demo;

import dev.mailgate.testsupport.KeycloakServer;
import dev.mailgate.testsupport.TestCertificates;
import java.nio.file.Path;

/** The copy-pasteable instructions printed once everything is up; commands run from the project folder. */
final class DemoGuide {

    private DemoGuide() {}

    static String text(
            Path project,
            KeycloakServer keycloak,
            TestCertificates tls,
            SampleMails samples,
            Path outbox,
            Path appLog) {
        String cert = project.relativize(tls.certPath()).toString();
        String tokenUrl = keycloak.realmUrl() + "/protocol/openid-connect/token";
        return """

                ==================================================================================
                 mailgate is running (demo: secrets below are generated for this run only)
                ==================================================================================
                 SMTP submission  smtp://localhost:%d  (STARTTLS)     implicit TLS  smtps://localhost:%d
                 HTTP API         http://localhost:%d                 Keycloak      %s
                 TLS certificate  %s (self-signed for localhost)
                 Captured mail    %s
                 mailgate log     %s

                 Run these from %s

                 1. A token for the program "sender-app" (client credentials):

                    TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=sender-app \\
                      -d client_secret=%s \\
                      %s | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')

                 2. Send a first mail over SMTP with STARTTLS and XOAUTH2:

                    curl --url smtp://localhost:%d --ssl-reqd --cacert %s \\
                      --user app@example.com: --oauth2-bearer "$TOKEN" \\
                      --mail-from app@example.com --mail-rcpt someone@example.net \\
                      --upload-file %s

                 3. Or through the HTTP API:

                    curl -i -X POST http://localhost:%d/v1/messages -H "Authorization: Bearer $TOKEN" \\
                      -H 'Content-Type: application/json' \\
                      -d '{"from":"app@example.com","to":["someone@example.net"],"subject":"Hi","text":"Hello over HTTP"}'

                 4. A mail program without OAuth: user alice, password %s (AUTH PLAIN/LOGIN)

                    curl --url smtp://localhost:%d --ssl-reqd --cacert %s \\
                      --user 'alice:%s' --login-options AUTH=PLAIN \\
                      --mail-from alice@example.com --mail-rcpt someone@example.net --upload-file %s

                 Delivered mail is not sent to the internet: it lands as .eml files in
                 %s

                 Ctrl-C stops mailgate, Keycloak and PostgreSQL.
                ==================================================================================
                """.formatted(
                        DemoLauncher.SUBMISSION_PORT,
                        DemoLauncher.SUBMISSIONS_PORT,
                        DemoLauncher.HTTP_PORT,
                        keycloak.baseUrl(),
                        cert,
                        outbox,
                        appLog,
                        project,
                        keycloak.secret("sender-app"),
                        tokenUrl,
                        DemoLauncher.SUBMISSION_PORT,
                        cert,
                        project.relativize(samples.fromApp()),
                        DemoLauncher.HTTP_PORT,
                        keycloak.password("alice"),
                        DemoLauncher.SUBMISSION_PORT,
                        cert,
                        keycloak.password("alice"),
                        project.relativize(samples.fromAlice()),
                        outbox);
    }
}
