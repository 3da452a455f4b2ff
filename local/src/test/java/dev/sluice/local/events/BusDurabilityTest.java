package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Every accepted event reaches every target of every matching rule, across a stop; what was
 * delivered stays delivered.
 */
class BusDurabilityTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path state;

    @Test
    void anEventWhoseLambdaTargetHadNotFinishedIsDeliveredAfterARestart() throws Exception {
        String marker = UUID.randomUUID().toString();
        Invocations before = new Invocations();
        // The first failure waits a minute for its retry: the runtime stops in between.
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, options(60_000));
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            runtime.lambda().addListener(before);
            assertThat(events.putEvents(b -> b.entries(entry("direct", "{\"marker\":\"" + marker
                    + "\",\"throw\":true}"))).failedEntryCount()).isZero();
            before.await(PATIENCE, "the first, failed attempt",
                    all -> all.stream().anyMatch(i -> sawMarker(i, marker)));
        }

        Invocations after = new Invocations();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, options(100))) {
            runtime.lambda().addListener(after);
            after.await(PATIENCE, "the event at its function again after the restart",
                    all -> all.stream().anyMatch(i -> sawMarker(i, marker)));
        }
    }

    @Test
    void anEventDeliveredBeforeAStopIsNotDeliveredAgain() throws Exception {
        String first = "first-" + UUID.randomUUID();
        String second = "second-" + UUID.randomUUID();
        Invocations before = new Invocations();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, options(100));
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            runtime.lambda().addListener(before);
            events.putEvents(b -> b.entries(entry("test", "{\"marker\":\"" + first + "\"}"),
                    entry("direct", "{\"marker\":\"" + first + "\"}")));
            before.await(PATIENCE, "the event at the queue's function and at the rule's function", all ->
                    all.stream().anyMatch(i -> i.bodies().stream().anyMatch(body -> body.contains(first)))
                            && all.stream().anyMatch(i -> sawMarker(i, first) && i.response() != null));
        }

        Invocations after = new Invocations();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, options(100));
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            runtime.lambda().addListener(after);
            events.putEvents(b -> b.entries(entry("test", "{\"marker\":\"" + second + "\"}"),
                    entry("direct", "{\"marker\":\"" + second + "\"}")));
            after.await(PATIENCE, "the later event at both functions", all ->
                    all.stream().anyMatch(i -> i.bodies().stream().anyMatch(body -> body.contains(second)))
                            && all.stream().anyMatch(i -> sawMarker(i, second) && i.response() != null));
        }
        assertThat(after.all()).noneMatch(i -> sawMarker(i, first)
                || i.bodies().stream().anyMatch(body -> body.contains(first)));
    }

    private static boolean sawMarker(Invocations.Invocation invocation, String marker) {
        return marker.equals(invocation.payload().path("detail").path("marker").asText());
    }

    private static LocalRuntime.Options options(long lambdaAsyncRetryMillis) {
        LocalRuntime.Options d = LocalRuntime.Options.defaults();
        return new LocalRuntime.Options(d.identity(), d.targetBackoff(), lambdaAsyncRetryMillis, d.handlerClassLoader(),
                d.profileValues());
    }

    private static PutEventsRequestEntry entry(String source, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).source(source).detailType("Test Happened")
                .detail(detail).time(Instant.now()).build();
    }
}
