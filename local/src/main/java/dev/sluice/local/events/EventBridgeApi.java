package dev.sluice.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.http.AwsApiException;
import dev.sluice.local.http.AwsJsonServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The EventBridge API (awsJson1_1, {@code AWSEvents.*}) over {@link LocalEventBridge}: PutEvents,
 * ListRules, DescribeRule, ListTargetsByRule, ListEventBuses, DescribeEventBus.
 */
public final class EventBridgeApi {

    /** PutEvents limits: entries per request and bytes per request. */
    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;

    private final LocalEventBridge bus;
    private final AwsIdentity identity;

    private EventBridgeApi(LocalEventBridge bus) {
        this.bus = bus;
        this.identity = bus.identity();
    }

    public static AwsJsonServer serve(LocalEventBridge bus) throws IOException {
        EventBridgeApi api = new EventBridgeApi(bus);
        Map<String, Function<JsonNode, JsonNode>> operations = Map.of(
                "PutEvents", api::putEvents,
                "ListRules", api::listRules,
                "DescribeRule", api::describeRule,
                "ListTargetsByRule", api::listTargetsByRule,
                "ListEventBuses", api::listEventBuses,
                "DescribeEventBus", api::describeEventBus);
        return AwsJsonServer.start("AWSEvents", "1.1", operations);
    }

    private JsonNode putEvents(JsonNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty()) {
            throw AwsApiException.validation("1 validation error detected: Value null at 'entries' failed to satisfy"
                    + " constraint: Member must not be null");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw AwsApiException.validation("1 validation error detected: Value at 'entries' failed to satisfy"
                    + " constraint: Member must have length less than or equal to " + MAX_ENTRIES);
        }
        List<PutEventsEntry> parsed = new ArrayList<>();
        long size = 0;
        for (JsonNode e : entries) {
            PutEventsEntry entry = entry(e);
            size += entrySize(entry);
            parsed.add(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw AwsApiException.validation("Total size of the entries in the request is over the limit.");
        }
        List<PutEventsResult> results = bus.putEvents(parsed);
        ObjectNode response = Json.object();
        response.put("FailedEntryCount", results.stream().filter(PutEventsResult::isFailed).count());
        ArrayNode out = response.putArray("Entries");
        for (PutEventsResult r : results) {
            ObjectNode o = out.addObject();
            if (r.isFailed()) {
                o.put("ErrorCode", r.errorCode());
                o.put("ErrorMessage", r.errorMessage());
            } else {
                o.put("EventId", r.eventId());
            }
        }
        return response;
    }

    private static PutEventsEntry entry(JsonNode e) {
        List<String> resources = new ArrayList<>();
        e.path("Resources").forEach(r -> resources.add(r.asText()));
        JsonNode time = e.get("Time");
        Instant at = time == null || time.isNull() ? null
                : Instant.ofEpochMilli(Math.round(time.asDouble() * 1000));
        return new PutEventsEntry(text(e, "EventBusName"), text(e, "Source"), text(e, "DetailType"),
                text(e, "Detail"), resources, at);
    }

    /** EventBridge's own entry-size rule: 14 bytes for the time, plus the UTF-8 of every text field. */
    private static long entrySize(PutEventsEntry e) {
        long size = 14;
        size += utf8(e.source()) + utf8(e.detailType()) + utf8(e.detail());
        for (String r : e.resources()) {
            size += utf8(r);
        }
        return size;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private JsonNode listRules(JsonNode request) {
        String busName = LocalEventBridge.busName(text(request, "EventBusName"));
        List<RuleSpec> rules = rulesOf(busName);
        String prefix = text(request, "NamePrefix");
        List<RuleSpec> selected = rules.stream()
                .filter(r -> prefix == null || r.name().startsWith(prefix)).toList();
        int start = page(request);
        int limit = request.path("Limit").asInt(100);
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("Rules");
        for (RuleSpec rule : selected.subList(Math.min(start, selected.size()),
                Math.min(selected.size(), start + limit))) {
            out.add(rule(busName, rule, false));
        }
        if (start + limit < selected.size()) {
            response.put("NextToken", String.valueOf(start + limit));
        }
        return response;
    }

    private JsonNode describeRule(JsonNode request) {
        String busName = LocalEventBridge.busName(text(request, "EventBusName"));
        return rule(busName, findRule(busName, text(request, "Name")), true);
    }

    private JsonNode listTargetsByRule(JsonNode request) {
        String busName = LocalEventBridge.busName(text(request, "EventBusName"));
        RuleSpec rule = findRule(busName, text(request, "Rule"));
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("Targets");
        for (TargetSpec t : rule.targets()) {
            ObjectNode o = out.addObject();
            o.put("Id", t.id());
            o.put("Arn", switch (t.kind()) {
                case SQS -> identity.sqsArn(t.resource());
                case LAMBDA -> identity.lambdaArn(t.resource());
                case STATE_MACHINE -> identity.stateMachineArn(t.resource());
            });
            ObjectNode retry = o.putObject("RetryPolicy");
            retry.put("MaximumRetryAttempts", t.retryPolicy().maximumRetryAttempts());
            retry.put("MaximumEventAgeInSeconds", t.retryPolicy().maximumEventAgeSeconds());
            o.putObject("DeadLetterConfig").put("Arn", identity.sqsArn(t.deadLetterQueue()));
        }
        return response;
    }

    private JsonNode listEventBuses(JsonNode request) {
        String prefix = text(request, "NamePrefix");
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("EventBuses");
        for (String name : bus.busNames()) {
            if (prefix == null || name.startsWith(prefix)) {
                out.addObject().put("Name", name).put("Arn", identity.eventBusArn(name));
            }
        }
        return response;
    }

    private JsonNode describeEventBus(JsonNode request) {
        String name = LocalEventBridge.busName(text(request, "Name"));
        rulesOf(name);
        return Json.object().put("Name", name).put("Arn", identity.eventBusArn(name));
    }

    private List<RuleSpec> rulesOf(String busName) {
        return bus.rules(busName).orElseThrow(
                () -> AwsApiException.notFound("Event bus " + busName + " does not exist."));
    }

    private RuleSpec findRule(String busName, String name) {
        return rulesOf(busName).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(
                () -> AwsApiException.notFound("Rule " + name + " does not exist on EventBus " + busName + "."));
    }

    private ObjectNode rule(String busName, RuleSpec rule, boolean describe) {
        ObjectNode o = Json.object();
        o.put("Name", rule.name());
        o.put("Arn", identity.ruleArn(busName, rule.name()));
        o.put("EventPattern", rule.eventPattern());
        o.put("State", "ENABLED");
        if (!rule.description().isEmpty()) {
            o.put("Description", rule.description());
        }
        o.put("EventBusName", busName);
        if (describe) {
            o.put("CreatedBy", identity.accountId());
        }
        return o;
    }

    private static int page(JsonNode request) {
        String token = text(request, "NextToken");
        if (token == null) {
            return 0;
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new AwsApiException(400, "InvalidToken", "The NextToken is not valid.");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
