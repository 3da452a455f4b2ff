package dev.sluice.workers.search;

import static dev.sluice.workers.search.CustomResourceCalls.call;
import static dev.sluice.workers.search.CustomResourceCalls.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The onEvent handler: what it checks and names, never calling a store. */
class SearchIndexResourceTest {

    private static final String ENDPOINT = "https://abc123def456ghi789.us-east-1.aoss.amazonaws.com";

    private final SearchIndexResource onEvent = new SearchIndexResource();

    @Test
    void aCreateIsNamedByItsStoreAndIndex() throws Exception {
        assertThat(call(onEvent, collection(Map.of())))
                .isEqualTo(Json.parse("{\"PhysicalResourceId\":\"aoss:abc123def456ghi789.us-east-1.aoss.amazonaws.com"
                        + "/sluice-chunks\"}"));
        assertThat(call(onEvent, domain("arn:aws:iam::123456789012:role/SluiceStack-IngestRole-1A2B3C")))
                .isEqualTo(Json.parse("{\"PhysicalResourceId\":\"es:sluice-search/sluice-chunks\"}"));
    }

    @Test
    void anIndexBodyThatIsTheSameJsonInAnotherOrderIsAccepted() throws Exception {
        ObjectNode reordered = Json.object();
        ObjectNode body = (ObjectNode) Json.parse(OpenSearchVectorIndex.indexBody(1024));
        reordered.set("mappings", body.get("mappings"));
        reordered.set("settings", body.get("settings"));
        String text = Json.writePretty(reordered);
        assertThat(text).isNotEqualTo(OpenSearchVectorIndex.indexBody(1024));

        assertThat(call(onEvent, collection(Map.of("INDEX_BODY", text))).path("PhysicalResourceId").asText())
                .endsWith("/sluice-chunks");
    }

    @Test
    void anIndexBodyOtherThanTheBundlesIsRefusedNamingBoth() {
        String stacks = OpenSearchVectorIndex.indexBody(1024).replace("\"cosinesimil\"", "\"l2\"");

        assertThatThrownBy(() -> call(onEvent, collection(Map.of("INDEX_BODY", stacks))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Index differs from the index this bundle creates for Dimensions 1024"
                        + " (OpenSearchVectorIndex.indexBody): the stack sent " + stacks + " but the bundle's is "
                        + OpenSearchVectorIndex.indexBody(1024)
                        + "; deploy the stack and the ingest bundle from the same build");
    }

    @Test
    void anIndexBodyForAnotherDimensionIsRefused() {
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("INDEX_BODY", OpenSearchVectorIndex.indexBody(384)))))
                .hasMessageStartingWith("Index differs from the index this bundle creates for Dimensions 1024");
    }

    @Test
    void aWrongPropertyIsNamed() {
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("DIMENSIONS", "many"))))
                .hasMessage("Dimensions must be a positive integer, not many");
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("ENDPOINT", ""))))
                .hasMessage("ResourceProperties.Endpoint is missing");
        String plain = "http://abc.us-east-1.aoss.amazonaws.com";
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("ENDPOINT", plain))))
                .hasMessage("Endpoint must be the collection's https://HOST, not " + plain);
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("INDEX_NAME", "Sluice_Chunks"))))
                .hasMessageStartingWith("IndexName must be 1 to 255 of a-z 0-9 . _ -");
        assertThatThrownBy(() -> call(onEvent, collection(Map.of("INDEX_BODY", "{\"settings\":"))))
                .hasMessageStartingWith("Index is not valid JSON");
        assertThatThrownBy(() -> call(onEvent, domain("arn:aws:iam::123456789012:user/ada")))
                .hasMessage("BackendRoles must be IAM role ARNs separated by commas; not a role ARN:"
                        + " arn:aws:iam::123456789012:user/ada");
        assertThatThrownBy(() -> call(onEvent, collection(Map.of()).replace("\"Service\"", "\"Servise\"")))
                .hasMessage("unknown ResourceProperties [Servise]; known are [BackendRoles, Dimensions, DomainName,"
                        + " Endpoint, Index, IndexName, Service]");
        assertThatThrownBy(() -> call(onEvent, collection(Map.of()).replace("\"aoss\"", "\"opensearch\"")))
                .hasMessage("Service must be aoss (a Serverless collection) or es (a managed domain), not opensearch");
    }

    @Test
    void aDeleteReturnsItsIdAtOnceWhateverItsProperties() throws Exception {
        String delete = event("cfn-delete-collection.json", Map.of("PHYSICAL_ID", "aoss:gone.example/sluice-chunks",
                "ENDPOINT", "not a url", "INDEX_NAME", "sluice-chunks", "DIMENSIONS", "0", "INDEX_BODY", "{}"));

        assertThat(call(onEvent, delete))
                .isEqualTo(Json.parse("{\"PhysicalResourceId\":\"aoss:gone.example/sluice-chunks\"}"));
    }

    /** A Create of index sluice-chunks of 1024 dimensions on a collection, with {@code changes} to that. */
    private static String collection(Map<String, String> changes) {
        Map<String, String> values = new LinkedHashMap<>(Map.of("ENDPOINT", ENDPOINT, "INDEX_NAME", "sluice-chunks",
                "DIMENSIONS", "1024", "INDEX_BODY", OpenSearchVectorIndex.indexBody(1024)));
        values.putAll(changes);
        return event("cfn-create-collection.json", values);
    }

    private static String domain(String backendRoles) {
        return event("cfn-create-domain.json", Map.of("DOMAIN_NAME", "sluice-search", "INDEX_NAME", "sluice-chunks",
                "DIMENSIONS", "1024", "INDEX_BODY", OpenSearchVectorIndex.indexBody(1024), "BACKEND_ROLES",
                backendRoles));
    }
}
