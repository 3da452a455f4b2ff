package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * No single entry stops a bus: an event that cannot be archived or matched fails its own entry,
 * with AWS's per-entry error, and every later PutEvents goes through, after a restart too.
 */
class PoisonEventTest {

    /** Deeper than PutEvents processes ("only nested JSON up to 1000 levels deep"). */
    private static final String TOO_DEEP = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);

    @TempDir
    Path state;

    @Test
    void aPoisonEntryFailsAloneAndTheBusKeepsTakingEvents() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            PutEventsResponse mixed = events.putEvents(b -> b.entries(
                    entry("{\"n\":1,\"marker\":\"" + marker + "\"}"),
                    entry("{\"text\":\"x\ud800y\",\"marker\":\"" + marker + "\"}"),
                    entry(TOO_DEEP),
                    entry("{\"n\":2,\"marker\":\"" + marker + "\"}")));

            assertThat(mixed.failedEntryCount()).isEqualTo(1);
            assertThat(mixed.entries().get(0).eventId()).isNotBlank();
            assertThat(mixed.entries().get(1).eventId()).as("a lone surrogate is archived escaped").isNotBlank();
            assertThat(mixed.entries().get(2).errorCode()).isEqualTo("MalformedDetail");
            assertThat(mixed.entries().get(2).errorMessage()).isEqualTo("Detail is malformed.");
            assertThat(mixed.entries().get(3).eventId()).isNotBlank();

            List<JsonNode> archived = new EventArchive(state.resolve("events").resolve("archive"))
                    .events(TestTopology.BUS).stream().filter(line -> line.contains(marker)).map(Json::parse).toList();
            assertThat(archived).extracting(e -> e.get("id").asText()).containsExactly(
                    mixed.entries().get(0).eventId(), mixed.entries().get(1).eventId(),
                    mixed.entries().get(3).eventId());
            assertThat(archived.get(1).get("detail").get("text").asText()).isEqualTo("x\ud800y");
            assertAccepted(events, marker);
        }
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            assertAccepted(events, marker);
        }
    }

    private static void assertAccepted(EventBridgeClient events, String marker) {
        PutEventsResponse next = events.putEvents(b -> b.entries(entry("{\"after\":\"" + marker + "\"}")));
        assertThat(next.failedEntryCount()).isZero();
    }

    private static PutEventsRequestEntry entry(String detail) {
        return PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).source("nobody-listens")
                .detailType("Poison Test").detail(detail).time(Instant.now()).build();
    }
}
