package dev.sluice.local.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.local.support.Await;
import dev.sluice.workers.push.Connections;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking a key, end to end: the HTTP API takes it until the authorizer's cached answer expires
 * (a TTL of {@value #TTL_SECONDS} s here, declared in the topology as the seeds' 300 s is), and its
 * WebSocket connections are ended by the revoked-key sweeper while other keys' stay open.
 */
class KeyRevocationTest {

    static final int TTL_SECONDS = 5;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    static FlowFixture flow;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(FlowFixture.withHttpApi(api -> api.withAuthorizer(
                api.authorizer().withTtlSeconds(TTL_SECONDS))), state);
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void aRevokedKeyKeepsWorkingUntilTheAuthorizersTtlThenIsRefused() throws Exception {
        // The answer cached at the first request lets a request through that is answered within the TTL
        // of it. A loaded machine may be slower than that; then another key tries (a few times at most).
        boolean seenWithinTtl = false;
        for (int attempt = 0; attempt < 3 && !seenWithinTtl; attempt++) {
            IssuedKey issued = flow.keys.create("revoked", "u", "soon revoked", "default", System.currentTimeMillis());
            try (SluiceClient client = new SluiceClient(flow.runtime.endpoints().api(), issued.secret())) {
                long firstAsked = System.nanoTime();
                assertThat(client.get("/v1/jobs").status()).isEqualTo(200);
                assertThat(flow.keys.revoke(issued.key().keyId(), System.currentTimeMillis())).isTrue();

                int afterRevocation = client.get("/v1/jobs").status();
                if (System.nanoTime() - firstAsked < Duration.ofSeconds(TTL_SECONDS).toNanos()) {
                    seenWithinTtl = true;
                    assertThat(afterRevocation).as("revoked, but within the cached answer's TTL").isEqualTo(200);
                }
                // Once the answer expires the authorizer runs again and denies it.
                Await.until("the revoked key to be refused", PATIENCE, () -> status(client) == 403);
                assertThat(client.get("/v1/jobs").body().at("/error/code").asText()).isEqualTo("invalid_api_key");
            }
        }
        assertThat(seenWithinTtl).as("a request answered within the TTL in one of 3 attempts").isTrue();
    }

    @Test
    void theSweeperEndsTheConnectionsOfARevokedKeyAndNoOthers() throws Exception {
        IssuedKey doomed = flow.keys.create("ws-revoked", "u", "doomed", "default", System.currentTimeMillis());
        IssuedKey kept = flow.keys.create("ws-revoked", "u", "kept", "default", System.currentTimeMillis());
        Connections connections = new Connections(flow.dynamoDb, "sluice-connections");
        try (SluiceClient doomedClient = new SluiceClient(flow.runtime.endpoints().api(), doomed.secret());
                SluiceClient keptClient = new SluiceClient(flow.runtime.endpoints().api(), kept.secret());
                PushStream doomedStream = doomedClient.connect(flow.runtime.endpoints().webSocket());
                PushStream keptStream = keptClient.connect(flow.runtime.endpoints().webSocket())) {
            assertThat(pong(doomedStream)).isTrue();
            assertThat(connections.ofUser("ws-revoked", "u", System.currentTimeMillis()))
                    .extracting(c -> c.keyId()).containsExactlyInAnyOrder(doomed.key().keyId(), kept.key().keyId());

            flow.keys.revoke(doomed.key().keyId(), System.currentTimeMillis());
            JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("revoked-key-sweeper",
                    FlowFixture.scheduledEvent()), java.nio.charset.StandardCharsets.UTF_8));

            assertThat(sweep.get("closed").asInt()).isEqualTo(1);
            Await.until("the revoked key's connection to close", PATIENCE, () -> !doomedStream.isOpen());
            assertThat(keptStream.isOpen()).isTrue();
            assertThat(pong(keptStream)).isTrue();
            assertThat(connections.ofUser("ws-revoked", "u", System.currentTimeMillis()))
                    .extracting(c -> c.keyId()).containsExactly(kept.key().keyId());
        }
    }

    private static int status(SluiceClient client) {
        try {
            return client.get("/v1/jobs").status();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean pong(PushStream stream) throws InterruptedException {
        ObjectNode ping = Json.object();
        ping.put("action", "ping");
        stream.send(ping);
        JsonNode answer = stream.next(m -> "pong".equals(m.path("type").asText()), PATIENCE);
        return answer != null;
    }
}
