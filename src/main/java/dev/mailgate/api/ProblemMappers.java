package dev.mailgate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of the HTTP API leaves as {@code application/problem+json} (RFC 9457) with a stable
 * {@code type}: mailgate's own problems, Quarkus security's 401/403, JSON that does not parse, bean
 * validation, and the framework's 404/405/406/415.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem problem, HttpServerRequest request) {
        return respond(problem, request);
    }

    // --- security: no token or a bad one is 401, an authenticated caller without permission 403

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return respond(
                new ApiProblem(
                        401,
                        "unauthenticated",
                        "Authentication required",
                        "send an OAuth access token from the mailgate Keycloak realm as 'Authorization: Bearer <token>'"),
                request,
                "Bearer realm=\"mailgate\"");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        return respond(
                new ApiProblem(
                        401,
                        "invalid-token",
                        "Invalid access token",
                        "the bearer token is not valid for mailgate (signature, issuer, audience or expiry)"),
                request,
                "Bearer realm=\"mailgate\", error=\"invalid_token\"");
    }

    @ServerExceptionMapper
    public Response authenticationCompletion(AuthenticationCompletionException e, HttpServerRequest request) {
        return authenticationFailed(new AuthenticationFailedException(e.getMessage()), request);
    }

    /** Keycloak unreachable (JWKS cannot be fetched): nobody can be authenticated now, try again. */
    @ServerExceptionMapper
    public Response authenticationUnavailable(io.quarkus.oidc.OIDCException e, HttpServerRequest request) {
        LOG.warnf("cannot verify a token: %s", e.getMessage());
        return respond(ApiProblem.authenticationUnavailable(), request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return respond(new ApiProblem(403, "forbidden", "Forbidden", "this identity may not do this"), request);
    }

    // --- request bodies

    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e, HttpServerRequest request) {
        return respond(ApiProblem.invalidRequest(path(e), "unknown field"), request);
    }

    @ServerExceptionMapper(priority = 1)
    public Response mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
        return respond(ApiProblem.invalidRequest(path(e), "wrong type: " + e.getOriginalMessage()), request);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unparsableJson(JsonProcessingException e, HttpServerRequest request) {
        return respond(ApiProblem.malformedRequest("the body is not valid JSON: " + e.getOriginalMessage()), request);
    }

    @ServerExceptionMapper(priority = 1)
    public Response constraintViolation(ConstraintViolationException e, HttpServerRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(field(v.getPropertyPath().toString()), v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        return respond(ApiProblem.invalidRequest(errors), request);
    }

    @ServerExceptionMapper(priority = 2)
    public Response validation(ValidationException e, HttpServerRequest request) {
        return respond(ApiProblem.invalidRequest("body", e.getMessage()), request);
    }

    // --- the framework's own HTTP errors

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        ApiProblem problem = switch (status) {
            case 400 -> ApiProblem.malformedRequest(e.getMessage());
            case 401 -> new ApiProblem(401, "unauthenticated", "Authentication required", e.getMessage());
            case 403 -> new ApiProblem(403, "forbidden", "Forbidden", e.getMessage());
            case 404 -> new ApiProblem(404, "not-found", "Not found", "no resource at " + request.path());
            case 405 ->
                new ApiProblem(
                        405,
                        "method-not-allowed",
                        "Method not allowed",
                        request.method() + " is not allowed on " + request.path());
            case 406 -> new ApiProblem(406, "not-acceptable", "Not acceptable", e.getMessage());
            case 413 -> ApiProblem.requestTooLarge(e.getMessage());
            case 415 ->
                new ApiProblem(
                        415,
                        "unsupported-media-type",
                        "Unsupported media type",
                        "Content-Type " + request.getHeader("Content-Type") + " is not accepted here");
            default ->
                status >= 500
                        ? internal(e)
                        : new ApiProblem(
                                status,
                                "about:blank",
                                Response.Status.fromStatusCode(status) == null
                                        ? "Error"
                                        : Response.Status.fromStatusCode(status).getReasonPhrase(),
                                e.getMessage());
        };
        Response response = respond(problem, request);
        if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(response)
                    .header("Allow", e.getResponse().getHeaderString("Allow"))
                    .build();
        }
        return response;
    }

    /** Anything not foreseen: a 500 problem without internals, the stack trace in the log. */
    @ServerExceptionMapper(priority = 10000)
    public Response unexpected(Throwable e, HttpServerRequest request) {
        return respond(internal(e), request);
    }

    static ApiProblem internal(Throwable e) {
        LOG.error("unexpected error in the HTTP API", e);
        return new ApiProblem(
                500,
                "internal-error",
                "Internal error",
                "mailgate failed unexpectedly; nothing was queued unless a 202 was returned");
    }

    static Response respond(ApiProblem problem, HttpServerRequest request) {
        return respond(problem, request, null);
    }

    static Response respond(ApiProblem problem, HttpServerRequest request, String challenge) {
        Response.ResponseBuilder builder = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.toProblem(request == null ? null : request.path()));
        if (problem.retryAfter() != null) {
            builder.header("Retry-After", problem.retryAfterSeconds());
        }
        if (challenge != null) {
            builder.header("WWW-Authenticate", challenge);
        }
        return builder.build();
    }

    private static String path(MismatchedInputException e) {
        StringBuilder out = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

    /** {@code send.request.to[0]} (method.parameter.path) becomes {@code to[0]}. */
    private static String field(String propertyPath) {
        String[] parts = propertyPath.split("\\.", 3);
        return parts.length == 3 ? parts[2] : propertyPath;
    }
}
