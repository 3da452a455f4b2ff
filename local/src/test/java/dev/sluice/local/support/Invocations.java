package dev.sluice.local.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.lambda.FunctionError;
import dev.sluice.local.lambda.InvocationListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records every invocation the local Lambda service makes, and waits for the ones a test expects. */
public final class Invocations implements InvocationListener {

    public record Invocation(String function, JsonNode payload, String response, FunctionError error) {

        /** The bodies of the SQS records in this invocation's event. */
        public List<String> bodies() {
            List<String> bodies = new ArrayList<>();
            payload.path("Records").forEach(r -> bodies.add(r.get("body").asText()));
            return bodies;
        }

        public List<String> receiveCounts() {
            List<String> counts = new ArrayList<>();
            payload.path("Records").forEach(r -> counts.add(r.path("attributes").path("ApproximateReceiveCount").asText()));
            return counts;
        }
    }

    private final List<Invocation> all = new ArrayList<>();

    @Override
    public synchronized void invoked(String function, byte[] payload, byte[] response, FunctionError error) {
        all.add(new Invocation(function, Json.parse(new String(payload, StandardCharsets.UTF_8)),
                response == null ? null : new String(response, StandardCharsets.UTF_8), error));
        notifyAll();
    }

    public synchronized List<Invocation> all() {
        return List.copyOf(all);
    }

    public synchronized List<Invocation> of(String function) {
        return all.stream().filter(i -> i.function().equals(function)).toList();
    }

    /** Every body delivered to a function, in order, one entry per delivery. */
    public synchronized List<String> bodiesSeenBy(String function) {
        return of(function).stream().flatMap(i -> i.bodies().stream()).toList();
    }

    /** Waits until {@code condition} holds over the invocations so far; fails after {@code timeout}. */
    public synchronized void await(Duration timeout, String what, Predicate<List<Invocation>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(all)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; invocations so far: " + all);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
