package dev.sluice.workers.search;

import static dev.sluice.workers.search.CustomResourceCalls.call;
import static dev.sluice.workers.search.CustomResourceCalls.event;
import static dev.sluice.workers.search.CustomResourceCalls.withOnEventResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.opensearch.OpenSearchIndexProvider;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import dev.sluice.workers.search.LoopbackDouble.Answer;
import dev.sluice.workers.search.LoopbackDouble.Request;
import dev.sluice.workers.support.OpenSearchNode;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * isComplete on a managed domain: DescribeDomain through the real SDK client against a loopback double
 * of the OpenSearch Service API, the security plugin's REST API against a double of the domain (the
 * test node has no security plugin), the index itself on the real node.
 */
class SearchIndexOnDomainTest {

    private static final String DOMAIN = "sluice-search";
    private static final String INGEST_ROLE = "arn:aws:iam::123456789012:role/SluiceStack-IngestRole-1A2B3C4D";
    private static final String API_ROLE = "arn:aws:iam::123456789012:role/SluiceStack-ApiRole-5E6F7A8B";
    private static final int DIMENSIONS = 16;

    /** DomainStatus members the domain double answers; Processing and Endpoint set per test. */
    private final AtomicReference<String> domainStatus = new AtomicReference<>();
    private final LoopbackDouble controlPlane = LoopbackDouble.http(request -> Answer.json(200,
            "{\"DomainStatus\":{\"DomainId\":\"123456789012/" + DOMAIN + "\",\"DomainName\":\"" + DOMAIN + "\","
                    + "\"ARN\":\"arn:aws:es:us-east-1:123456789012:domain/" + DOMAIN + "\",\"ClusterConfig\":{},"
                    + "\"EngineVersion\":\"OpenSearch_2.19\"," + domainStatus.get() + "}}"));
    private LoopbackDouble domain;
    private final String index = "test-domain-" + UUID.randomUUID();
    private final SearchIndexResource onEvent = new SearchIndexResource();

    @AfterEach
    void stop() {
        controlPlane.close();
        if (domain != null) {
            domain.close();
        }
    }

    @Test
    void waitsUntilTheDomainIsNoLongerProcessingThenMakesTheIndex() throws Exception {
        URI node = OpenSearchNode.url();
        String isCompleteEvent = isCompleteEvent("");
        SearchIndexReadiness isComplete = readiness(endpoint -> node);

        domainStatus.set("\"Created\":true,\"Deleted\":false,\"Processing\":true,\"Endpoint\":\"" + node.getAuthority()
                + "\",\"AdvancedSecurityOptions\":{\"Enabled\":true}");
        assertThat(call(isComplete, isCompleteEvent)).isEqualTo(Json.parse("{\"IsComplete\":false}"));

        domainStatus.set(domainStatus.get().replace("\"Processing\":true", "\"Processing\":false"));
        assertThat(call(isComplete, isCompleteEvent)).isEqualTo(Json.parse(
                "{\"IsComplete\":true,\"Data\":{\"Endpoint\":\"https://" + node.getAuthority() + "\"}}"));

        assertThat(controlPlane.requests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.line()).isEqualTo("GET /2021-01-01/opensearch/domain/" + DOMAIN);
            assertThat(request.body()).isEmpty();
            assertThat(request.headers().getFirst("Authorization"))
                    .matches("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/us-east-1/es/aws4_request, "
                            + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        });
        assertThat(OpenSearchNode.get("/" + index + "/_mapping").path(index).path("mappings").path("properties")
                .path("vector").path("dimension").asInt()).isEqualTo(DIMENSIONS);
    }

    @Test
    void aDomainNotCreatedYetOrWithoutAnEndpointIsNotReady() throws Exception {
        SearchIndexReadiness isComplete = readiness(endpoint -> {
            throw new AssertionError("no connection before the domain is ready: " + endpoint);
        });

        domainStatus.set("\"Created\":false,\"Processing\":false");
        assertThat(call(isComplete, isCompleteEvent(""))).isEqualTo(Json.parse("{\"IsComplete\":false}"));
        domainStatus.set("\"Created\":true,\"Processing\":false");
        assertThat(call(isComplete, isCompleteEvent(""))).isEqualTo(Json.parse("{\"IsComplete\":false}"));
    }

    @Test
    void mapsTheBackendRolesToReadWriteOnTheIndexThroughTheSecurityApi() throws Exception {
        domain = LoopbackDouble.http(SearchIndexOnDomainTest::domainWithSecurity);
        domainStatus.set("\"Created\":true,\"Processing\":false,\"Endpoints\":{\"vpc\":\"vpc-" + DOMAIN
                + "-abc.us-east-1.es.amazonaws.com\"},\"AdvancedSecurityOptions\":{\"Enabled\":true}");
        SearchIndexReadiness isComplete = readiness(endpoint -> domain.url());

        JsonNode done = call(isComplete, isCompleteEvent(INGEST_ROLE + ", " + API_ROLE));

        assertThat(done).isEqualTo(Json.parse("{\"IsComplete\":true,\"Data\":{\"Endpoint\":\"https://vpc-" + DOMAIN
                + "-abc.us-east-1.es.amazonaws.com\"}}"));
        List<Request> requests = domain.requests();
        assertThat(requests).extracting(Request::line).containsExactly(
                "GET /" + index + "/_mapping",
                "PUT /" + index,
                "PUT /_plugins/_security/api/roles/" + index + "-read-write",
                "PUT /_plugins/_security/api/rolesmapping/" + index + "-read-write");
        assertThat(Json.parse(requests.get(1).body()))
                .isEqualTo(Json.parse(OpenSearchVectorIndex.indexBody(DIMENSIONS)));
        assertThat(requests.get(2).headers().getFirst("Content-Type")).startsWith("application/json");
        assertThat(Json.parse(requests.get(2).body())).isEqualTo(Json.parse("{"
                + "\"cluster_permissions\":[\"cluster_composite_ops\"],"
                + "\"index_permissions\":[{\"index_patterns\":[\"" + index + "\"],"
                + "\"allowed_actions\":[\"crud\",\"create_index\",\"indices:admin/mappings/get\"]}]}"));
        assertThat(Json.parse(requests.get(3).body()))
                .isEqualTo(Json.parse("{\"backend_roles\":[\"" + INGEST_ROLE + "\",\"" + API_ROLE + "\"]}"));
    }

    @Test
    void backendRolesOnADomainWithoutFineGrainedAccessControlFailNamingTheWayOut() {
        domainStatus.set("\"Created\":true,\"Processing\":false,\"Endpoint\":\"search-" + DOMAIN
                + ".us-east-1.es.amazonaws.com\",\"AdvancedSecurityOptions\":{\"Enabled\":false}");
        SearchIndexReadiness isComplete = readiness(endpoint -> {
            throw new AssertionError("no connection to a domain the roles cannot be mapped on");
        });

        assertThatThrownBy(() -> call(isComplete, isCompleteEvent(INGEST_ROLE)))
                .hasMessage("BackendRoles are mapped by fine-grained access control, which domain " + DOMAIN
                        + " does not have: grant the roles in its access policy and leave BackendRoles out, or turn"
                        + " fine-grained access control on");
    }

    @Test
    void anUnknownDomainFailsNamingIt() {
        controlPlane.close();
        LoopbackDouble missing = LoopbackDouble.http(request -> new Answer(409,
                "{\"message\":\"Domain not found: " + DOMAIN + "\"}", "Content-Type", "application/json",
                "x-amzn-ErrorType", "ResourceNotFoundException"));
        try (missing) {
            SearchIndexReadiness isComplete = new SearchIndexReadiness(domains(missing.url()), (endpoint, service) -> {
                throw new AssertionError("no domain, no connection");
            });
            assertThatThrownBy(() -> call(isComplete, isCompleteEvent("")))
                    .hasMessage("there is no OpenSearch domain " + DOMAIN + " (DomainName) in this account and region");
        }
    }

    /** The domain's data plane, security plugin included: no index yet, then it takes what it is sent. */
    private static Answer domainWithSecurity(Request request) {
        if (request.method().equals("GET")) {
            String name = request.target().split("/")[1];
            return Answer.json(404, "{\"error\":{\"root_cause\":[{\"type\":\"index_not_found_exception\","
                    + "\"reason\":\"no such index [" + name + "]\",\"index\":\"" + name + "\"}],"
                    + "\"type\":\"index_not_found_exception\",\"reason\":\"no such index [" + name + "]\","
                    + "\"index\":\"" + name + "\"},\"status\":404}");
        }
        if (request.target().startsWith("/_plugins/_security/")) {
            return Answer.json(201, "{\"status\":\"CREATED\",\"message\":\"created.\"}");
        }
        String name = request.target().substring(1);
        return Answer.json(200, "{\"acknowledged\":true,\"shards_acknowledged\":true,\"index\":\"" + name + "\"}");
    }

    private interface Data {
        URI at(URI endpoint);
    }

    /** Through the real SDK client to the control plane double; every data-plane endpoint to {@code data}. */
    private SearchIndexReadiness readiness(Data data) {
        return new SearchIndexReadiness(domains(controlPlane.url()), (endpoint, service) -> {
            assertThat(service).isEqualTo("es");
            return OpenSearchIndexProvider.local(data.at(endpoint));
        });
    }

    private static OpenSearchClient domains(URI endpoint) {
        return new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "test-secret", "AWS_ENDPOINT_URL_OPENSEARCH", endpoint.toString()))
                .build(OpenSearchClient.builder(), "OPENSEARCH");
    }

    /** A Create on the domain as isComplete gets it: with onEvent's answer. */
    private String isCompleteEvent(String backendRoles) throws IOException {
        String create = event("cfn-create-domain.json", Map.of("DOMAIN_NAME", DOMAIN, "INDEX_NAME", index,
                "DIMENSIONS", Integer.toString(DIMENSIONS), "INDEX_BODY", OpenSearchVectorIndex.indexBody(DIMENSIONS),
                "BACKEND_ROLES", backendRoles));
        return withOnEventResult(create, call(onEvent, create));
    }
}
