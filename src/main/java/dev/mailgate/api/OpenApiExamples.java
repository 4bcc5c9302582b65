package dev.mailgate.api;

/** Examples shown in the OpenAPI document ({@code /q/openapi}) and Swagger UI. */
final class OpenApiExamples {

    private OpenApiExamples() {}

    static final String TEXT = """
            {
              "from": "app@example.com",
              "to": ["ana@example.net"],
              "subject": "Your code",
              "text": "Your login code is 123456."
            }
            """;

    static final String RICH = """
            {
              "from": "Billing <billing@apps.example.com>",
              "to": ["Ana Lía <ana@example.net>"],
              "cc": ["accounts@example.net"],
              "bcc": ["archive@example.com"],
              "reply_to": "support@example.com",
              "subject": "Votre facture n° 42 ✓",
              "text": "Hello Ana,\\nyour invoice is attached.",
              "html": "<p>Hello Ana,</p><p>your invoice is attached.</p><img src=\\"cid:logo\\">",
              "headers": {"X-Campaign": "november"},
              "attachments": [
                {"filename": "logo.png", "content_type": "image/png", "content": "iVBORw0KGgo=", "content_id": "logo"},
                {"filename": "facture-42 €.pdf", "content_type": "application/pdf", "content": "JVBERi0xLjQKJcfsj6IK"}
              ],
              "tags": ["invoice"]
            }
            """;

    static final String ACCEPTED = """
            {
              "id": "0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11",
              "status": "queued",
              "recipients": [
                {"address": "ana@example.net", "status": "queued"},
                {"address": "accounts@example.net", "status": "queued"},
                {"address": "archive@example.com", "status": "queued"}
              ]
            }
            """;

    static final String RAW = "From: app@example.com\r\nTo: ana@example.net\r\nSubject: Hello\r\n"
            + "Message-ID: <hello-1@example.com>\r\n\r\nHello Ana.\r\n";

    static final String STATUS = """
            {
              "id": "0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11",
              "status": "sending",
              "received_at": "2026-11-26T22:40:00Z",
              "sender": "billing@apps.example.com",
              "size": 48213,
              "message_id": "<0f8b3c52-8a0e-4f6e-9d7a-1c1b7b4f5a11@mail.example.com>",
              "recipients": [
                {"address": "ana@example.net", "status": "delivered", "attempt_count": 1,
                 "last_reply": "250 2.0.0 Ok: queued as 4C2F1", "updated_at": "2026-11-26T22:40:02Z",
                 "attempts": [{"at": "2026-11-26T22:40:01Z", "mx_host": "mx1.example.net",
                               "remote_reply": "250 2.0.0 Ok: queued as 4C2F1", "tls": "TLSv1.3 TLS_AES_256_GCM_SHA384", "outcome": "delivered"}]},
                {"address": "accounts@example.net", "status": "deferred", "attempt_count": 1,
                 "next_attempt_at": "2026-11-26T22:45:01Z", "last_reply": "451 4.7.1 Greylisted, try again later",
                 "updated_at": "2026-11-26T22:40:01Z",
                 "attempts": [{"at": "2026-11-26T22:40:01Z", "mx_host": "mx1.example.net",
                               "remote_reply": "451 4.7.1 Greylisted, try again later", "outcome": "deferred"}]}
              ]
            }
            """;

    static final String PROBLEM_SENDER = """
            {
              "type": "https://mailgate.dev/problems/sender-not-owned",
              "title": "Sender address not owned",
              "status": 403,
              "detail": "Sender address <ceo@example.com> is not an address of the authenticated identity",
              "instance": "/v1/messages"
            }
            """;

    static final String PROBLEM_INVALID = """
            {
              "type": "https://mailgate.dev/problems/invalid-request",
              "title": "Invalid request",
              "status": 422,
              "detail": "to[0]: not an e-mail address",
              "instance": "/v1/messages",
              "errors": [{"field": "to[0]", "message": "not an e-mail address"}]
            }
            """;
}
