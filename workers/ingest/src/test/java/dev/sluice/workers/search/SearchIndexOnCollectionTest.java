package dev.sluice.workers.search;

import static dev.sluice.workers.search.CustomResourceCalls.call;
import static dev.sluice.workers.search.CustomResourceCalls.event;
import static dev.sluice.workers.search.CustomResourceCalls.withOnEventResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.opensearch.OpenSearchIndexProvider;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import dev.sluice.workers.search.LoopbackDouble.Answer;
import dev.sluice.workers.search.LoopbackDouble.Request;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * isComplete on a Serverless collection, through the transport the function signs its requests with
 * (opensearch-java's AwsSdk2Transport, https only) against a loopback double of the collection.
 */
class SearchIndexOnCollectionTest {

    private static final String INDEX = "sluice-chunks";
    private static final int DIMENSIONS = 16;
    private static final String FORBIDDEN = "{\"status\":403,\"request-id\":\"5f1f0c2a-7a3e-9b7c-a3d4-1c2b3a4d5e6f\","
            + "\"error\":{\"reason\":\"403 Forbidden\",\"type\":\"Forbidden\"}}";

    @TempDir
    static Path dir;
    private static LoopbackTls tls;
    private static SdkHttpClient http;

    /** Answers in turn; the last one repeats. */
    private final ConcurrentLinkedQueue<Function<Request, Answer>> answers = new ConcurrentLinkedQueue<>();
    private LoopbackDouble collection;

    @BeforeAll
    static void trust() throws Exception {
        tls = LoopbackTls.create(dir);
        TrustManager[] trust = tls.trustManagers();
        http = UrlConnectionHttpClient.builder().tlsTrustManagersProvider(() -> trust).build();
    }

    @AfterAll
    static void closeClient() {
        http.close();
    }

    @AfterEach
    void stop() {
        collection.close();
    }

    @Test
    void aCollectionAnswering403IsNotReadyYetThenTheIndexIsMade() throws Exception {
        start();
        answers.add(request -> Answer.json(403, FORBIDDEN));
        answers.add(SearchIndexOnCollectionTest::emptyCollection);
        SearchIndexReadiness isComplete = readiness();
        String event = isCompleteEvent();

        assertThat(call(isComplete, event)).isEqualTo(Json.parse("{\"IsComplete\":false}"));
        assertThat(collection.requests()).extracting(Request::line).containsExactly("GET /" + INDEX + "/_mapping");
        assertThat(collection.requests().getFirst().headers().getFirst("Authorization"))
                .matches("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/us-east-1/aoss/aws4_request, .*");

        answers.poll();
        assertThat(call(isComplete, event)).isEqualTo(Json.parse("{\"IsComplete\":true,\"Data\":{\"Endpoint\":\""
                + collection.url() + "\"}}"));
        assertThat(collection.requests()).extracting(Request::line).containsExactly("GET /" + INDEX + "/_mapping",
                "GET /" + INDEX + "/_mapping", "PUT /" + INDEX);
        assertThat(Json.parse(collection.requests().get(2).body()))
                .isEqualTo(Json.parse(OpenSearchVectorIndex.indexBody(DIMENSIONS)));
    }

    @Test
    void aCollectionThatIsBusyIsNotReadyYet() throws Exception {
        start();
        answers.add(request -> Answer.json(503, "{\"message\":\"Service Unavailable\"}"));

        assertThat(call(readiness(), isCompleteEvent())).isEqualTo(Json.parse("{\"IsComplete\":false}"));
    }

    @Test
    void aCollectionRefusingTheIndexFailsTheDeployment() throws Exception {
        start();
        answers.add(request -> request.method().equals("PUT")
                ? Answer.json(400, "{\"error\":{\"root_cause\":[],\"type\":\"illegal_argument_exception\","
                        + "\"reason\":\"Dimension value cannot be greater than 16000\"},\"status\":400}")
                : emptyCollection(request));

        assertThatThrownBy(() -> call(readiness(), isCompleteEvent()))
                .hasMessageContaining("Dimension value cannot be greater than 16000");
    }

    private void start() throws Exception {
        collection = LoopbackDouble.https(tls.serverContext(), request -> answers.peek().apply(request));
    }

    /** No index yet; it takes the one it is sent. */
    private static Answer emptyCollection(Request request) {
        if (request.method().equals("GET")) {
            return Answer.json(404, "{\"error\":{\"root_cause\":[],\"type\":\"index_not_found_exception\","
                    + "\"reason\":\"no such index [" + INDEX + "]\",\"index\":\"" + INDEX + "\"},\"status\":404}");
        }
        return Answer.json(200, "{\"acknowledged\":true,\"shards_acknowledged\":true,\"index\":\"" + INDEX + "\"}");
    }

    /** The function's own transport, signed for aoss, over an HTTP client that trusts the double's certificate. */
    private SearchIndexReadiness readiness() {
        OpenSearchClient domains = new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL",
                "http://127.0.0.1:9")).build(OpenSearchClient.builder(), "OPENSEARCH");
        return new SearchIndexReadiness(domains, (endpoint, service) -> OpenSearchIndexProvider.signed(http, endpoint,
                service, Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST",
                        "test-secret"))));
    }

    private String isCompleteEvent() throws Exception {
        String create = event("cfn-create-collection.json", Map.of("ENDPOINT", collection.url().toString(),
                "INDEX_NAME", INDEX, "DIMENSIONS", Integer.toString(DIMENSIONS), "INDEX_BODY",
                OpenSearchVectorIndex.indexBody(DIMENSIONS)));
        return withOnEventResult(create, call(new SearchIndexResource(), create));
    }
}
