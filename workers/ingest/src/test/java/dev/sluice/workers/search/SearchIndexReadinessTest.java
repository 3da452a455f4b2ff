package dev.sluice.workers.search;

import static dev.sluice.workers.search.CustomResourceCalls.call;
import static dev.sluice.workers.search.CustomResourceCalls.event;
import static dev.sluice.workers.search.CustomResourceCalls.withOnEventResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.opensearch.OpenSearchIndexProvider;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import dev.sluice.workers.support.OpenSearchNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * Both handlers as the Provider framework calls them, on a collection that is the real OpenSearch
 * node of scripts/opensearch-node.sh (every endpoint leads there, unsigned).
 */
class SearchIndexReadinessTest {

    private static final String ENDPOINT = "https://abc123def456ghi789.us-east-1.aoss.amazonaws.com";
    private static final int DIMENSIONS = 16;

    private final String index = "test-resource-" + UUID.randomUUID();
    private final SearchIndexResource onEvent = new SearchIndexResource();
    private final SearchIndexReadiness isComplete = new SearchIndexReadiness(domainsNowhere(),
            (endpoint, service) -> OpenSearchIndexProvider.local(OpenSearchNode.url()));

    @Test
    void aCreateMakesTheIndexOfIndexBodyAndAnswersTheEndpoint() throws Exception {
        JsonNode done = create(DIMENSIONS);

        assertThat(done).isEqualTo(Json.parse("{\"IsComplete\":true,\"Data\":{\"Endpoint\":\"" + ENDPOINT + "\"}}"));
        JsonNode mappings = OpenSearchNode.get("/" + index + "/_mapping").path(index).path("mappings");
        // The k-NN plugin writes the method's parameters back, none given: {}.
        ObjectNode method = (ObjectNode) mappings.path("properties").path("vector").path("method");
        assertThat(method.remove("parameters")).isEqualTo(Json.object());
        assertThat(mappings).isEqualTo(Json.parse(OpenSearchVectorIndex.indexBody(DIMENSIONS)).path("mappings"));
        assertThat(OpenSearchNode.get("/" + index + "/_settings").path(index).path("settings").path("index")
                .path("knn").asText()).isEqualTo("true");
    }

    @Test
    void doingItAgainChangesNothing() throws Exception {
        create(DIMENSIONS);
        String uuid = uuid();

        assertThat(create(DIMENSIONS).path("IsComplete").asBoolean()).isTrue();
        assertThat(uuid()).isEqualTo(uuid);
    }

    @Test
    void anUpdateToAnotherDimensionFailsNamingTheIndexBothDimensionsAndTheWayOut() throws Exception {
        create(DIMENSIONS);
        String uuid = uuid();
        String update = event("cfn-update-collection.json", values(24, Map.of("PHYSICAL_ID", "aoss:x/" + index)));

        JsonNode named = call(onEvent, update);
        assertThatThrownBy(() -> call(isComplete, withOnEventResult(update, named)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("index " + index + " on abc123def456ghi789.us-east-1.aoss.amazonaws.com holds"
                        + " 16-dimensional vectors, but Dimensions is 24: an index keeps its dimension. Give the new"
                        + " dimension a new IndexName (the functions' OPENSEARCH_INDEX follows it) and index the"
                        + " documents again; " + index + " stays until you delete it");
        assertThat(uuid()).isEqualTo(uuid);
        assertThat(OpenSearchNode.get("/" + index + "/_mapping").path(index).path("mappings").path("properties")
                .path("vector").path("dimension").asInt()).isEqualTo(DIMENSIONS);
    }

    @Test
    void anUpdateWithTheSameDimensionIsComplete() throws Exception {
        create(DIMENSIONS);
        String update = event("cfn-update-collection.json",
                values(DIMENSIONS, Map.of("PHYSICAL_ID", "aoss:x/" + index)));

        assertThat(call(isComplete, withOnEventResult(update, call(onEvent, update))).path("IsComplete").asBoolean())
                .isTrue();
    }

    @Test
    void aDeleteIsCompleteAtOnceAndLeavesTheIndex() throws Exception {
        create(DIMENSIONS);
        String uuid = uuid();
        String delete = event("cfn-delete-collection.json",
                values(DIMENSIONS, Map.of("PHYSICAL_ID", "aoss:x/" + index)));

        JsonNode named = call(onEvent, delete);
        assertThat(named).isEqualTo(Json.parse("{\"PhysicalResourceId\":\"aoss:x/" + index + "\"}"));
        assertThat(call(isComplete, withOnEventResult(delete, named))).isEqualTo(Json.parse("{\"IsComplete\":true}"));
        assertThat(uuid()).isEqualTo(uuid);
    }

    private JsonNode create(int dimensions) throws IOException {
        String create = event("cfn-create-collection.json", values(dimensions, Map.of()));
        JsonNode named = call(onEvent, create);
        assertThat(named.path("PhysicalResourceId").asText())
                .isEqualTo("aoss:abc123def456ghi789.us-east-1.aoss.amazonaws.com/" + index);
        return call(isComplete, withOnEventResult(create, named));
    }

    private Map<String, String> values(int dimensions, Map<String, String> more) {
        Map<String, String> values = new LinkedHashMap<>(more);
        values.put("OLD_DIMENSIONS", Integer.toString(DIMENSIONS));
        values.put("OLD_INDEX_BODY", OpenSearchVectorIndex.indexBody(DIMENSIONS));
        values.put("ENDPOINT", ENDPOINT);
        values.put("INDEX_NAME", index);
        values.put("DIMENSIONS", Integer.toString(dimensions));
        values.put("INDEX_BODY", OpenSearchVectorIndex.indexBody(dimensions));
        return values;
    }

    private String uuid() throws IOException, InterruptedException {
        return OpenSearchNode.get("/" + index + "/_settings").path(index).path("settings").path("index").path("uuid")
                .asText();
    }

    /** A collection needs no control plane: any call to it fails at once. */
    private static OpenSearchClient domainsNowhere() {
        return new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "test-secret", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"))
                .build(OpenSearchClient.builder(), "OPENSEARCH");
    }
}
