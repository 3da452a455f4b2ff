package dev.sluice.workers.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.VectorIndexContract;
import dev.sluice.workers.support.OpenSearchNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The contract against a real OpenSearch 2.19.1 node with the k-NN plugin (scripts/opensearch-node.sh). */
class OpenSearchVectorIndexTest extends VectorIndexContract {

    @Override
    protected VectorIndex newIndex(int dimensions) {
        // An index per test: tests stay independent on the one node.
        String name = "test-" + UUID.randomUUID();
        return OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(OpenSearchNode.url()), name, dimensions);
    }

    @Test
    void noNodeIsUnavailableNotABug() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);

        assertThatThrownBy(() -> OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(nowhere), "x", DIMENSIONS))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void anExistingIndexIsReused() {
        String name = "test-" + UUID.randomUUID();
        try (VectorIndex first = OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(OpenSearchNode.url()), name,
                DIMENSIONS)) {
            first.upsert(List.of(chunk("t", "doc", "v1", 0, unit(1))));
        }
        try (VectorIndex second = OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(OpenSearchNode.url()), name,
                DIMENSIONS)) {
            assertThat(second.search("t", unit(1), 10)).hasSize(1);
        }
    }

    @Test
    void anExistingIndexOfAnotherDimensionIsRefusedNamingBoth() {
        String name = "test-" + UUID.randomUUID();
        OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(OpenSearchNode.url()), name, DIMENSIONS).close();

        assertThatThrownBy(() -> OpenSearchVectorIndex.open(OpenSearchIndexProvider.local(OpenSearchNode.url()), name,
                DIMENSIONS + 1))
                .isInstanceOfSatisfying(IndexDimensionMismatchException.class, e -> {
                    assertThat(e.index()).isEqualTo(name);
                    assertThat(e.existing()).isEqualTo(DIMENSIONS);
                    assertThat(e.wanted()).isEqualTo(DIMENSIONS + 1);
                })
                .hasMessage("index " + name + " holds 16-dimensional vectors, not 17: an index keeps its dimension,"
                        + " so 17-dimensional vectors need a new index name");
    }
}
