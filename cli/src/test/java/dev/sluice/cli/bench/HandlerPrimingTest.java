package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.FunctionEnvironment;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.workers.api.ApiKeyAuthorizer;
import dev.sluice.workers.priming.Priming;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every handler of topology.json, built by its production constructor with its function's deployed
 * environment, registers a SnapStart priming that runs clean (its fixture, its schemas, all its SDK
 * clients) and sends nothing: every endpoint of the environment is a loopback server that records
 * each request. A handler built by its test constructor registers none.
 */
class HandlerPrimingTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopRecorder() {
        server.stop(0);
    }

    @Test
    void everyProductionHandlerPrimesCleanlyAndSendsNothing() throws Exception {
        Topology topology = Definitions.bundled().topology();
        BundleEnvironment environments = new BundleEnvironment(topology, BundleEnvironment.DEPLOYED_PROFILE,
                "127.0.0.1:" + server.getAddress().getPort());
        Map<String, Priming.Report> reports = new LinkedHashMap<>();
        for (FunctionSpec f : topology.functions()) {
            if (f.artifact() == null) {
                continue;
            }
            Object handler = FunctionEnvironment.with(environments.of(f),
                    () -> Class.forName(f.handler()).getConstructor().newInstance());
            Priming priming = Priming.registeredFor(handler).orElse(null);
            assertThat(priming).as(f.name() + ": " + f.handler() + " registers a priming").isNotNull();
            reports.put(f.name(), priming.prime());
        }

        assertThat(reports).hasSize(24).allSatisfy((function, report) -> {
            assertThat(report.failed()).as(function).isEmpty();
            assertThat(report.ran()).as(function).contains("json /priming/"
                    + topology.function(function).orElseThrow().handler().replaceAll(".*\\.", "") + ".json")
                    .anyMatch(step -> step.startsWith("sdk "));
        });
        assertThat(reports.get("api").ran()).contains("schema jobs/envelope", "sdk dynamodb", "sdk events", "sdk s3");
        assertThat(reports.get("ai-worker").ran()).contains("schema events/job-submitted", "sdk sqs");
        assertThat(reports.get("email-worker").ran()).contains("sdk ses");
        assertThat(reports.get("document-router").ran()).contains("sdk states");
        assertThat(reports.get("ai-batch-submit").ran()).contains("sdk bedrock");
        assertThat(reports.get("ai-batch-collector").ran()).contains("sdk sqs", "sdk states");
        assertThat(reports.get("notifier").ran()).contains("sdk execute-api");
        assertThat(requests).as("requests that reached the function's endpoints").isEmpty();
    }

    @Test
    void aHandlerBuiltForATestRegistersNone() {
        ApiKeyAuthorizer authorizer = new ApiKeyAuthorizer((ApiKeys) null);

        assertThat(Priming.registeredFor(authorizer)).isEmpty();
    }
}
