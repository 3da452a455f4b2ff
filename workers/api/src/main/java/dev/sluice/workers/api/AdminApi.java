package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.operations.dlq.DeadLetterQueue;
import dev.sluice.operations.dlq.DeadLetterQueues;
import dev.sluice.operations.select.MessagePattern;
import dev.sluice.workers.http.Caller;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin API: {@code GET /v1/admin/dlqs}, {@code GET /v1/admin/dlqs/{name}/messages} and
 * {@code POST /v1/admin/dlqs/{name}/replay}, for an admin key only ({@link #refuses}: every
 * {@code /v1/admin/} route, checked before anything is read). A replay is the command's, audited with
 * the caller's key as principal and {@code via} admin-api; it is a dry run unless the body says
 * {@code "dryRun": false}.
 *
 * <p>API Gateway ends an integration at 29 s and the function has its own timeout, so one call moves
 * at most {@link #MAX_MESSAGES} messages and a paced replay must fit in {@link #MAX_PACED_SECONDS};
 * longer replays are the command's ({@code sluice dlq replay}).
 */
final class AdminApi {

    static final String VIA = "admin-api";
    static final String PREFIX = "/v1/admin/";
    /** Messages one call peeks or replays at most. */
    static final int MAX_MESSAGES = 100;
    static final int DEFAULT_PEEK = 10;
    /** How long a paced replay ({@code limit / rate}) may take within one call. */
    static final int MAX_PACED_SECONDS = 5;

    private final Supplier<DeadLetterQueues> catalog;
    private final DeadLetters deadLetters;
    private final Schemas schemas;

    AdminApi(Supplier<DeadLetterQueues> catalog, DeadLetters deadLetters, Schemas schemas) {
        this.catalog = catalog;
        this.deadLetters = deadLetters;
        this.schemas = schemas;
    }

    /** Whether {@code routeKey} ({@code "METHOD /resource"}) is an admin route. */
    static boolean isAdminRoute(String routeKey) {
        return routeKey.substring(routeKey.indexOf(' ') + 1).startsWith(PREFIX);
    }

    /** The 403 a non-admin caller gets on an admin route, or empty when the caller may go on. */
    static Optional<APIGatewayProxyResponseEvent> refuses(String routeKey, Caller caller) {
        if (!isAdminRoute(routeKey) || caller.admin()) {
            return Optional.empty();
        }
        return Optional.of(ApiResponses.error(403, "forbidden", "an admin key is required", "x-api-key"));
    }

    /** What the audit records as who acted: the key, with its tenant and user. */
    static String principal(Caller caller) {
        return "apikey:" + caller.keyId() + " (tenant " + caller.tenantId() + ", user " + caller.userId() + ")";
    }

    APIGatewayProxyResponseEvent list() {
        ObjectNode response = Json.object();
        response.set("dlqs", deadLetters.list());
        return ApiResponses.json(200, response);
    }

    APIGatewayProxyResponseEvent messages(String name, Map<String, String> query) {
        Optional<DeadLetterQueue> dlq = catalog.get().find(name);
        if (dlq.isEmpty()) {
            return unknown(name);
        }
        int limit = QueryParameters.integer(query, "limit", DEFAULT_PEEK);
        if (limit < 1 || limit > MAX_MESSAGES) {
            return ApiResponses.error(400, "invalid_parameter", "limit must be an integer from 1 to " + MAX_MESSAGES,
                    "limit");
        }
        ObjectNode response = Json.object();
        response.put("dlq", name);
        response.put("kind", dlq.get().kind().wire());
        response.set("messages", deadLetters.peek(name, limit));
        return ApiResponses.json(200, response);
    }

    APIGatewayProxyResponseEvent replay(Caller caller, String name, byte[] body) {
        if (catalog.get().find(name).isEmpty()) {
            return unknown(name);
        }
        JsonRequest parsed = JsonRequest.parse(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body, schemas,
                "api/dlq-replay");
        if (!parsed.valid()) {
            return parsed.error();
        }
        JsonNode request = parsed.body();
        MessagePattern match;
        try {
            JsonNode pattern = request.get("match");
            match = pattern == null ? MessagePattern.all()
                    : MessagePattern.of(pattern.isTextual() ? pattern.textValue() : Json.write(pattern));
        } catch (MessagePattern.InvalidPatternException e) {
            return ApiResponses.error(400, "invalid_request", e.getMessage(), "match");
        }
        boolean dryRun = request.path("dryRun").asBoolean(true);
        int limit = request.path("limit").asInt(MAX_MESSAGES);
        if (limit > MAX_MESSAGES) {
            return ApiResponses.error(400, "invalid_request", "limit is " + limit + "; one call replays at most "
                    + MAX_MESSAGES + " messages, so that it answers within API Gateway's 29 s: make more calls, or"
                    + " use `sluice dlq replay`", "limit");
        }
        Double rate = request.has("rate") ? request.get("rate").asDouble() : null;
        if (!dryRun && rate != null && limit / rate > MAX_PACED_SECONDS) {
            return ApiResponses.error(400, "invalid_request", "at " + rate + " messages/s, " + limit
                    + " messages take " + Math.round(Math.ceil(limit / rate)) + " s; one call may take at most "
                    + MAX_PACED_SECONDS + " s (API Gateway ends it at 29 s): raise rate to at least "
                    + Math.round(Math.ceil((double) limit / MAX_PACED_SECONDS)) + ", lower limit, or use"
                    + " `sluice dlq replay` for a slow replay", "rate");
        }
        JsonNode report = deadLetters.replay(name, new DeadLetters.Replay(match, rate, limit, dryRun,
                request.path("force").asBoolean(false)), principal(caller));
        ObjectNode response = Json.object();
        response.put("dlq", name);
        response.put("dryRun", dryRun);
        response.setAll((ObjectNode) report);
        return ApiResponses.json(200, response);
    }

    private APIGatewayProxyResponseEvent unknown(String name) {
        String known = String.join(", ", catalog.get().all().stream().map(DeadLetterQueue::name).toList());
        return ApiResponses.error(404, "not_found", "no dead-letter queue \"" + name + "\"; the stack has " + known,
                "name");
    }
}
