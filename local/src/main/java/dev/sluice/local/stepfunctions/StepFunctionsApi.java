package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.http.AwsApiException;
import dev.sluice.local.http.AwsJsonServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Step Functions API (awsJson1_0, {@code AWSStepFunctions.*}) over {@link LocalStepFunctions}, for
 * the stock SDK clients and the AWS CLI. A page token names the last item of the page before, so
 * paging is stable while executions start.
 */
public final class StepFunctionsApi {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final LocalStepFunctions service;

    private StepFunctionsApi(LocalStepFunctions service) {
        this.service = service;
    }

    public static AwsJsonServer serve(LocalStepFunctions service) throws IOException {
        StepFunctionsApi api = new StepFunctionsApi(service);
        Map<String, Function<JsonNode, JsonNode>> operations = Map.ofEntries(
                Map.entry("CreateStateMachine", api::createStateMachine),
                Map.entry("UpdateStateMachine", api::updateStateMachine),
                Map.entry("DescribeStateMachine", api::describeStateMachine),
                Map.entry("ListStateMachines", api::listStateMachines),
                Map.entry("DeleteStateMachine", api::deleteStateMachine),
                Map.entry("StartExecution", api::startExecution),
                Map.entry("DescribeExecution", api::describeExecution),
                Map.entry("ListExecutions", api::listExecutions),
                Map.entry("GetExecutionHistory", api::getExecutionHistory),
                Map.entry("StopExecution", api::stopExecution),
                Map.entry("RedriveExecution", api::redriveExecution));
        return AwsJsonServer.start("AWSStepFunctions", "1.0", operations);
    }

    private JsonNode createStateMachine(JsonNode request) {
        StateMachineRecord m = service.createStateMachine(text(request, "name"), text(request, "definition"),
                text(request, "roleArn"), text(request, "type"));
        ObjectNode response = Json.object().put("stateMachineArn", m.arn());
        response.set("creationDate", EpochSeconds.of(m.creationDate()));
        return response;
    }

    private JsonNode updateStateMachine(JsonNode request) {
        StateMachineRecord m = service.updateStateMachine(text(request, "stateMachineArn"),
                text(request, "definition"), text(request, "roleArn"));
        return Json.object().set("updateDate", EpochSeconds.of(m.updateDate()));
    }

    private JsonNode describeStateMachine(JsonNode request) {
        StateMachineRecord m = service.stateMachine(text(request, "stateMachineArn"));
        ObjectNode o = Json.object();
        o.put("stateMachineArn", m.arn());
        o.put("name", m.name());
        o.put("status", "ACTIVE");
        o.put("definition", m.definition());
        o.put("roleArn", m.roleArn());
        o.put("type", "STANDARD");
        o.set("creationDate", EpochSeconds.of(m.creationDate()));
        o.putObject("loggingConfiguration").put("level", "OFF").put("includeExecutionData", false);
        o.putObject("tracingConfiguration").put("enabled", false);
        return o;
    }

    private JsonNode listStateMachines(JsonNode request) {
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("stateMachines");
        page(request, service.stateMachines(), StateMachineRecord::arn, response, m -> {
            ObjectNode o = out.addObject();
            o.put("stateMachineArn", m.arn());
            o.put("name", m.name());
            o.put("type", "STANDARD");
            o.set("creationDate", EpochSeconds.of(m.creationDate()));
        });
        return response;
    }

    private JsonNode deleteStateMachine(JsonNode request) {
        service.deleteStateMachine(text(request, "stateMachineArn"));
        return Json.object();
    }

    private JsonNode startExecution(JsonNode request) {
        ExecutionRecord e = service.startExecution(text(request, "stateMachineArn"), text(request, "name"),
                text(request, "input"));
        ObjectNode response = Json.object().put("executionArn", e.executionArn());
        response.set("startDate", EpochSeconds.of(e.startDate()));
        return response;
    }

    private JsonNode describeExecution(JsonNode request) {
        ExecutionRecord e = service.execution(text(request, "executionArn"));
        ObjectNode o = summary(e);
        o.put("input", e.input());
        o.putObject("inputDetails").put("included", true);
        if (e.output() != null) {
            o.put("output", e.output());
            o.putObject("outputDetails").put("included", true);
        }
        putIfPresent(o, "error", e.error());
        putIfPresent(o, "cause", e.cause());
        String notRedrivable = service.redriveStatusReason(e);
        o.put("redriveStatus", notRedrivable == null ? "REDRIVABLE" : "NOT_REDRIVABLE");
        putIfPresent(o, "redriveStatusReason", notRedrivable);
        return o;
    }

    private JsonNode listExecutions(JsonNode request) {
        String filter = text(request, "statusFilter");
        ExecutionStatus status;
        try {
            status = filter == null ? null : ExecutionStatus.valueOf(filter);
        } catch (IllegalArgumentException e) {
            throw AwsApiException.validation("1 validation error detected: Value '" + filter + "' at 'statusFilter'"
                    + " failed to satisfy constraint: Member must satisfy enum value set: "
                    + List.of(ExecutionStatus.values()));
        }
        List<ExecutionRecord> all = service.executions(text(request, "stateMachineArn"), status);
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("executions");
        page(request, all, ExecutionRecord::executionArn, response, e -> out.add(summary(e)));
        return response;
    }

    private JsonNode getExecutionHistory(JsonNode request) {
        List<ObjectNode> events = service.history(text(request, "executionArn"));
        if (request.path("reverseOrder").asBoolean(false)) {
            events = events.reversed();
        }
        boolean includeData = request.path("includeExecutionData").asBoolean(true);
        ObjectNode response = Json.object();
        ArrayNode out = response.putArray("events");
        page(request, events, e -> e.get("id").asText(), response,
                e -> out.add(includeData ? e : withoutData(e)));
        return response;
    }

    private JsonNode stopExecution(JsonNode request) {
        ExecutionRecord e = service.stopExecution(text(request, "executionArn"), text(request, "error"),
                text(request, "cause"));
        return Json.object().set("stopDate", EpochSeconds.of(e.stopDate()));
    }

    private JsonNode redriveExecution(JsonNode request) {
        ExecutionRecord e = service.redriveExecution(text(request, "executionArn"));
        return Json.object().set("redriveDate", EpochSeconds.of(e.redriveDate()));
    }

    /** What ListExecutions shows of an execution, and DescribeExecution starts from. */
    private static ObjectNode summary(ExecutionRecord e) {
        ObjectNode o = Json.object();
        o.put("executionArn", e.executionArn());
        o.put("stateMachineArn", e.stateMachineArn());
        o.put("name", e.name());
        o.put("status", e.status().name());
        o.set("startDate", EpochSeconds.of(e.startDate()));
        if (e.stopDate() != null) {
            o.set("stopDate", EpochSeconds.of(e.stopDate()));
        }
        o.put("redriveCount", e.redriveCount());
        if (e.redriveDate() != null) {
            o.set("redriveDate", EpochSeconds.of(e.redriveDate()));
        }
        return o;
    }

    /** An event without the execution data (inputs, outputs) that includeExecutionData=false leaves out. */
    private static ObjectNode withoutData(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        for (JsonNode field : copy) {
            if (field instanceof ObjectNode details) {
                details.remove(List.of("input", "inputDetails", "output", "outputDetails"));
            }
        }
        return copy;
    }

    /**
     * Emits the page of {@code items} after the one the request's nextToken names, and a nextToken
     * naming this page's last item when more follow.
     */
    private static <T> void page(JsonNode request, List<T> items, Function<T, String> key, ObjectNode response,
            Consumer<T> emit) {
        int size = request.path("maxResults").asInt(0);
        if (size < 0 || size > MAX_PAGE) {
            throw AwsApiException.validation("1 validation error detected: Value '" + size + "' at 'maxResults'"
                    + " failed to satisfy constraint: Member must have value less than or equal to " + MAX_PAGE);
        }
        size = size == 0 ? DEFAULT_PAGE : size;
        int start = 0;
        String token = text(request, "nextToken");
        if (token != null) {
            String after = decode(token);
            int index = items.stream().map(key).toList().indexOf(after);
            if (index < 0) {
                throw new AwsApiException(400, "InvalidToken", "Invalid Token: '" + token + "'");
            }
            start = index + 1;
        }
        int end = Math.min(items.size(), start + size);
        items.subList(start, end).forEach(emit);
        if (end < items.size()) {
            response.put("nextToken", Base64.getUrlEncoder().encodeToString(
                    key.apply(items.get(end - 1)).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AwsApiException(400, "InvalidToken", "Invalid Token: '" + token + "'");
        }
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
