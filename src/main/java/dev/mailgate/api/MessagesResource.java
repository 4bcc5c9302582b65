package dev.mailgate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.api.SendResponses.Accepted;
import dev.mailgate.api.SendResponses.AcceptedRecipient;
import dev.mailgate.api.SendResponses.MessageStatus;
import dev.mailgate.auth.IdentityMapper;
import dev.mailgate.config.MailgateConfig;
import dev.mailgate.mail.Door;
import dev.mailgate.mail.Envelope;
import dev.mailgate.mail.HeaderSection;
import dev.mailgate.mail.Identity;
import dev.mailgate.mail.Refusal;
import dev.mailgate.mail.Submission;
import dev.mailgate.submission.SubmissionOutcome;
import dev.mailgate.submission.SubmissionService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The HTTPS send API. Both POSTs end in the one shared submission path (role, sender ownership,
 * From:/Sender: ownership, Message-ID, commit) that SMTP uses, and answer {@code 202} only after
 * the commit. Errors are {@code application/problem+json} ({@link ProblemMappers}).
 */
@Path("/v1/messages")
@Authenticated
@Tag(name = "messages", description = "Send mail and follow its delivery")
@SecurityScheme(
        securitySchemeName = "keycloak",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "JWT",
        description =
                "Access token from the mailgate Keycloak realm (client credentials or password grant), audience `mailgate`")
@SecurityRequirement(name = "keycloak")
@APIResponse(
        responseCode = "401",
        description = "No token, or a token that is not valid for mailgate (type unauthenticated / invalid-token)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class MessagesResource {

    private static final Logger LOG = Logger.getLogger(MessagesResource.class);

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final SecurityIdentity security;
    private final IdentityMapper identities;
    private final SubmissionService submissions;
    private final IdempotencyKeys idempotency;
    private final MessageStatusQueries statuses;
    private final ObjectMapper json;
    private final MailgateConfig config;
    private final MimeComposer composer;
    private final String hostname;
    private final Clock clock = Clock.systemUTC();

    public MessagesResource(
            SecurityIdentity security,
            IdentityMapper identities,
            SubmissionService submissions,
            IdempotencyKeys idempotency,
            MessageStatusQueries statuses,
            ObjectMapper json,
            MailgateConfig config) {
        this.security = security;
        this.identities = identities;
        this.submissions = submissions;
        this.idempotency = idempotency;
        this.statuses = statuses;
        this.json = json;
        this.config = config;
        this.hostname = config.smtp().effectiveHostname();
        this.composer = new MimeComposer(hostname);
    }

    /** A message ready for the shared submission path, and what identifies its request for idempotency. */
    private record Prepared(UUID id, Envelope envelope, byte[] message, String requestHash) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            summary = "Send a message composed from JSON",
            description =
                    "mailgate builds the MIME message (multipart/alternative, /related, /mixed as needed; RFC 2047 and 2231 encodings) and queues it for every To, Cc and Bcc recipient. `202` is answered only after the message is committed.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SendRequest.class),
                            examples = {
                                @ExampleObject(name = "text", summary = "Plain text", value = OpenApiExamples.TEXT),
                                @ExampleObject(
                                        name = "html-attachment",
                                        summary = "Text + HTML, an inline logo and a PDF",
                                        value = OpenApiExamples.RICH)
                            }))
    @APIResponse(
            responseCode = "202",
            description = "Committed to the queue",
            headers =
                    @Header(
                            name = "Location",
                            description = "URL of the message status",
                            schema =
                                    @Schema(
                                            type =
                                                    org.eclipse.microprofile.openapi.annotations.enums.SchemaType
                                                            .STRING)),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Accepted.class),
                            examples = @ExampleObject(name = "accepted", value = OpenApiExamples.ACCEPTED)))
    @APIResponse(
            responseCode = "400",
            description = "Body is not JSON (malformed-request) or bad Idempotency-Key (invalid-idempotency-key)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "403",
            description = "Token lacks the send role (missing-role) or does not own the sender (sender-not-owned)",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            schema = @Schema(implementation = Problem.class),
                            examples =
                                    @ExampleObject(name = "sender-not-owned", value = OpenApiExamples.PROBLEM_SENDER)))
    @APIResponse(
            responseCode = "409",
            description = "A request with the same Idempotency-Key is still running (idempotency-in-progress)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description =
                    "Message (message-too-large), attachments (attachments-too-large) or body (request-too-large) too large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "422",
            description =
                    "invalid-request, forbidden-header, no-recipients, too-many-recipients, idempotency-key-reused",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            schema = @Schema(implementation = Problem.class),
                            examples =
                                    @ExampleObject(name = "invalid-request", value = OpenApiExamples.PROBLEM_INVALID)))
    @APIResponse(
            responseCode = "429",
            description = "Sending rate exceeded (rate-limited); see Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "503",
            description = "The queue is unreachable (store-unavailable); nothing was stored, retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> send(
            @Valid @NotNull SendRequest request,
            @Parameter(
                            in = ParameterIn.HEADER,
                            description =
                                    "Makes retries safe: the same key from the same identity within 24 h returns the first answer, nothing new is queued")
                    @HeaderParam(IDEMPOTENCY_KEY)
                    String key,
            @Context HttpServerRequest http) {
        Identity identity = authorizedSender();
        checkKey(key);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        MimeComposer.Composed composed =
                composer.compose(request, id, now, config.api().maxAttachmentsSize());
        byte[] message =
                RawMessage.concat(RawMessage.traceHeader(clientAddress(http), hostname, id, now), composed.raw());
        checkLimits(message.length, composed.recipients().size());
        String hash = null;
        if (key != null) { // the request as parsed, re-serialized: formatting differences are the same request
            try {
                hash = sha256("json", json.writeValueAsBytes(request));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        Prepared prepared = new Prepared(id, Envelope.simple(composed.sender(), composed.recipients()), message, hash);
        return submit(identity, key, prepared, http);
    }

    @POST
    @Path("raw")
    @Consumes("message/rfc822")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            summary = "Send a ready-made MIME message",
            description =
                    "The bytes are stored exactly as given, with a Received: trace field in front and Bcc: fields removed. Lines must end with CRLF and be at most 998 octets. The envelope is `from`/`to` when given, else the From: header and the To:, Cc: and Bcc: headers.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "message/rfc822",
                            schema =
                                    @Schema(
                                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                                            format = "binary"),
                            examples = @ExampleObject(name = "simple", value = OpenApiExamples.RAW)))
    @APIResponse(
            responseCode = "202",
            description = "Committed to the queue",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(
            responseCode = "403",
            description = "missing-role, sender-not-owned",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description = "message-too-large, request-too-large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "422",
            description =
                    "invalid-message, invalid-request, missing-from, invalid-header, no-recipients, too-many-recipients, idempotency-key-reused",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> sendRaw(
            byte[] body,
            @Parameter(description = "Envelope sender (MAIL FROM); default: the From: address") @QueryParam("from")
                    String from,
            @Parameter(description = "Envelope recipients (repeat, or comma-separated); default: To:, Cc: and Bcc:")
                    @QueryParam("to")
                    List<String> to,
            @Parameter(in = ParameterIn.HEADER, description = "See POST /v1/messages") @HeaderParam(IDEMPOTENCY_KEY)
                    String key,
            @Context HttpServerRequest http) {
        Identity identity = authorizedSender();
        checkKey(key);
        byte[] raw = body == null ? new byte[0] : body;
        if (raw.length > config.limits().maxMessageSize()) {
            throw ApiProblem.messageTooLarge(raw.length, config.limits().maxMessageSize());
        }
        HeaderSection headers = RawMessage.check(raw);
        String sender = from != null && !from.isBlank() ? envelopeAddress(from, "from") : authorAddress(headers);
        List<String> recipients =
                to != null && !to.isEmpty() ? queryRecipients(to) : RawMessage.addresses(headers, "to", "cc", "bcc");
        if (recipients.isEmpty()) {
            throw ApiProblem.noRecipients();
        }
        UUID id = UUID.randomUUID();
        byte[] stripped = headers.all("bcc").isEmpty() ? raw : RawMessage.withoutBcc(raw, headers.end());
        byte[] message =
                RawMessage.concat(RawMessage.traceHeader(clientAddress(http), hostname, id, clock.instant()), stripped);
        checkLimits(message.length, recipients.size());
        String hash = key == null
                ? null
                : sha256(
                        "raw",
                        (sender + "\n" + String.join(",", recipients) + "\n").getBytes(StandardCharsets.UTF_8),
                        raw);
        return submit(
                identity,
                key,
                new Prepared(
                        id,
                        RawMessage.envelope(
                                sender, recipients, stripped, headers.end() - (raw.length - stripped.length)),
                        message,
                        hash),
                http);
    }

    @GET
    @Path("{id}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            summary = "Delivery status of a message",
            description =
                    "Per recipient: state (queued, deferred, delivered, bounced, failed) and every delivery attempt. Only the identity that sent the message, or one with the admin role, sees it; everyone else gets 404.")
    @APIResponse(
            responseCode = "200",
            description = "The message and its recipients",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MessageStatus.class),
                            examples = @ExampleObject(name = "sending", value = OpenApiExamples.STATUS)))
    @APIResponse(
            responseCode = "404",
            description = "No such message visible to this identity (message-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MessageStatus> status(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.messageNotFound();
        }
        Identity identity = identities.toIdentity(security);
        boolean admin = identity.hasRole(config.auth().adminRole());
        return statuses.find(uuid, identity.principal(), admin)
                .map(found -> found.orElseThrow(ApiProblem::messageNotFound));
    }

    // --- the shared path

    private Uni<Response> submit(Identity identity, String key, Prepared prepared, HttpServerRequest http) {
        if (key == null) {
            return commit(identity, prepared, http);
        }
        String principal = identity.principal();
        return idempotency
                .claim(principal, key, prepared.requestHash(), prepared.id())
                .flatMap(claim -> {
                    if (claim instanceof IdempotencyKeys.Claim.Replay replay) {
                        return Uni.createFrom().item(replayed(replay.response()));
                    }
                    if (claim instanceof IdempotencyKeys.Claim.Committed committed) {
                        return statuses.recipientAddresses(committed.id()).map(addresses -> {
                            Accepted accepted = new Accepted(
                                    committed.id(),
                                    "queued",
                                    addresses.stream()
                                            .map(address -> new AcceptedRecipient(address, "queued"))
                                            .toList());
                            return replayed(toJson(accepted));
                        });
                    }
                    return commit(identity, prepared, http)
                            .call(response -> idempotency
                                    .complete(principal, key, prepared.id(), (String) response.getEntity())
                                    .onFailure()
                                    .recoverWithItem(failure -> {
                                        // the message is committed; a duplicate will find it through the reserved id
                                        LOG.warnf(
                                                failure,
                                                "could not record the answer for idempotency key of %s",
                                                principal);
                                        return null;
                                    }))
                            .onFailure()
                            .call(failure -> idempotency.release(principal, key, prepared.id()));
                });
    }

    private Uni<Response> commit(Identity identity, Prepared prepared, HttpServerRequest http) {
        Submission submission = new Submission(
                identity, clientAddress(http), Door.API, prepared.id(), prepared.envelope(), prepared.message());
        return submissions.submit(submission).map(outcome -> {
            if (outcome instanceof SubmissionOutcome.Refused refused) {
                throw ApiProblem.of(refused.refusal());
            }
            UUID id = ((SubmissionOutcome.Accepted) outcome).id();
            Accepted accepted = new Accepted(
                    id,
                    "queued",
                    prepared.envelope().recipients().stream()
                            .map(r -> new AcceptedRecipient(r.address(), "queued"))
                            .toList());
            return Response.accepted(toJson(accepted))
                    .type(MediaType.APPLICATION_JSON)
                    .location(URI.create("/v1/messages/" + id))
                    .build();
        });
    }

    private Response replayed(String response) {
        String id;
        try {
            id = json.readTree(response).get("id").asText();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored idempotent answer is not JSON", e);
        }
        return Response.accepted(response)
                .type(MediaType.APPLICATION_JSON)
                .location(URI.create("/v1/messages/" + id))
                .header("Idempotent-Replayed", "true")
                .build();
    }

    // --- checks shared by both POSTs

    private Identity authorizedSender() {
        Identity identity = identities.toIdentity(security);
        if (!identity.maySend()) {
            throw ApiProblem.of(Refusal.missingRole(identity.principal()));
        }
        return identity;
    }

    private void checkLimits(long size, int recipients) {
        if (size > config.limits().maxMessageSize()) {
            throw ApiProblem.messageTooLarge(size, config.limits().maxMessageSize());
        }
        if (recipients > config.limits().recipientsPerMessage()) {
            throw ApiProblem.tooManyRecipients(recipients, config.limits().recipientsPerMessage());
        }
    }

    private static void checkKey(String key) {
        if (key != null && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw ApiProblem.invalidIdempotencyKey();
        }
    }

    private static String authorAddress(HeaderSection headers) {
        List<String> authors = RawMessage.addresses(headers, "from");
        if (authors.isEmpty()) {
            throw ApiProblem.of(new Refusal(
                    550, "5.6.0", "Message has no From: header", 422, "https://mailgate.dev/problems/missing-from"));
        }
        return authors.get(0);
    }

    private static List<String> queryRecipients(List<String> to) {
        Map<String, String> seen = new LinkedHashMap<>();
        int i = 0;
        for (String value : to) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    String address = envelopeAddress(part.trim(), "to[" + i + "]");
                    seen.putIfAbsent(address.toLowerCase(Locale.ROOT), address);
                }
                i++;
            }
        }
        return new ArrayList<>(seen.values());
    }

    private static String envelopeAddress(String value, String field) {
        List<Problem.FieldError> errors = new ArrayList<>();
        var parsed = MimeComposer.parseAddress(value, field, errors);
        if (parsed == null) {
            throw ApiProblem.invalidRequest(errors);
        }
        return parsed.getAddress();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clientAddress(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    private static String sha256(String kind, byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(kind.getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
