package dev.mailgate.audit;

import dev.mailgate.auth.IdentityMapper;
import dev.mailgate.config.MailgateConfig;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/audit}: the audit trail for operators (role {@code mailgate.auth.admin-role}, default
 * {@code mail-admin}). Filters: {@code principal}, {@code client} (address), {@code type}, {@code from}/{@code to}
 * (ISO-8601 instants, from inclusive, to exclusive). Newest first; {@code limit} (1..1000, default 100);
 * {@code next_cursor} in the answer is passed back as {@code cursor} for the following page (stable under
 * concurrent inserts: it is the last id seen).
 */
@Path("/v1/audit")
@Authenticated
public class AuditResource {

    private final Pool pool;
    private final SecurityIdentity security;
    private final IdentityMapper mapper;
    private final String adminRole;

    public AuditResource(Pool pool, SecurityIdentity security, IdentityMapper mapper, MailgateConfig config) {
        this.pool = pool;
        this.security = security;
        this.mapper = mapper;
        this.adminRole = config.auth().adminRole();
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
    public Uni<Response> list(
            @QueryParam("principal") String principal,
            @QueryParam("client") String client,
            @QueryParam("type") String type,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (!mapper.toIdentity(security).hasRole(adminRole)) {
            return Uni.createFrom().item(problem(403, "forbidden", "The audit log needs the role " + adminRole));
        }
        if (limit < 1 || limit > 1000) {
            return Uni.createFrom().item(problem(400, "invalid-parameter", "limit must be between 1 and 1000"));
        }
        StringBuilder sql =
                new StringBuilder("SELECT id, occurred_at, type, principal, client_address, door, message_id, detail"
                        + " FROM audit_event WHERE true");
        List<Object> params = new ArrayList<>();
        try {
            add(sql, params, " AND principal = $", principal);
            add(sql, params, " AND client_address = $", client);
            add(sql, params, " AND type = $", type);
            add(
                    sql,
                    params,
                    " AND occurred_at >= $",
                    from == null ? null : OffsetDateTime.ofInstant(Instant.parse(from), ZoneOffset.UTC));
            add(
                    sql,
                    params,
                    " AND occurred_at < $",
                    to == null ? null : OffsetDateTime.ofInstant(Instant.parse(to), ZoneOffset.UTC));
            add(sql, params, " AND id < $", cursor == null ? null : Long.parseLong(cursor));
        } catch (DateTimeParseException | NumberFormatException e) {
            return Uni.createFrom()
                    .item(
                            problem(
                                    400,
                                    "invalid-parameter",
                                    "from/to must be ISO-8601 instants (2026-11-26T10:00:00Z) and cursor a value from next_cursor"));
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(limit + 1);
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            JsonArray events = new JsonArray();
            Long last = null;
            int n = 0;
            boolean more = false;
            for (Row row : rows) {
                if (n++ == limit) {
                    more = true;
                    break;
                }
                last = row.getLong("id");
                events.add(new JsonObject()
                        .put("id", last)
                        .put(
                                "at",
                                row.getOffsetDateTime("occurred_at").toInstant().toString())
                        .put("type", row.getString("type"))
                        .put("principal", row.getString("principal"))
                        .put("client_address", row.getString("client_address"))
                        .put("door", row.getString("door"))
                        .put(
                                "message_id",
                                row.getUUID("message_id") == null
                                        ? null
                                        : row.getUUID("message_id").toString())
                        .put("detail", row.getString("detail")));
            }
            JsonObject body =
                    new JsonObject().put("events", events).put("next_cursor", more ? String.valueOf(last) : null);
            return Response.ok(body.encode(), MediaType.APPLICATION_JSON).build();
        });
    }

    private static void add(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null && !(value instanceof String s && s.isEmpty())) {
            params.add(value);
            sql.append(clause).append(params.size());
        }
    }

    private static Response problem(int status, String type, String detail) {
        JsonObject body = new JsonObject()
                .put("type", "https://mailgate.dev/problems/" + type)
                .put("title", detail)
                .put("status", status)
                .put("detail", detail);
        return Response.status(status)
                .type("application/problem+json")
                .entity(body.encode())
                .build();
    }
}
