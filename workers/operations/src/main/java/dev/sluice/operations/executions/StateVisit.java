package dev.sluice.operations.executions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One state an execution entered, from its history: when it was entered and left, how many times
 * its task was tried, the errors of the attempts that failed, and where a Catch sent it.
 *
 * @param exited null if the execution ended (or is) still inside it
 * @param attempts task invocations scheduled (1 + retries); 0 for states that run no task
 * @param caughtTo the state a Catch led to, when the state failed and was left through one
 */
public record StateVisit(String name, String type, Instant entered, Instant exited, int attempts,
        List<String> errors, String caughtTo) {

    public StateVisit {
        errors = List.copyOf(errors);
    }

    public int retries() {
        return Math.max(0, attempts - 1);
    }

    /** Null while the state has not been left. */
    public Duration duration() {
        return exited == null ? null : Duration.between(entered, exited);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("name", name).put("type", type).put("entered", entered.toString());
        o.put("exited", exited == null ? null : exited.toString());
        o.put("durationMillis", exited == null ? null : duration().toMillis());
        o.put("attempts", attempts).put("retries", retries());
        ArrayNode e = o.putArray("errors");
        errors.forEach(e::add);
        o.put("caughtTo", caughtTo);
        return o;
    }
}
