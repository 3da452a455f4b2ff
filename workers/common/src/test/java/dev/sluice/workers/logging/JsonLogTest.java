package dev.sluice.workers.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** What a handler's line looks like on Lambda: the bundles' logback.xml, one JSON object per line on stdout. */
class JsonLogTest {

    private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream realStdout;

    @BeforeEach
    void configureAsOnLambda() throws Exception {
        realStdout = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        configure("logback.xml");
    }

    @AfterEach
    void restore() throws Exception {
        System.setOut(realStdout);
        configure("logback-test.xml");
    }

    private void configure(String resource) throws Exception {
        logback.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logback);
        configurator.doConfigure(getClass().getClassLoader().getResource(resource));
    }

    private List<JsonNode> lines() {
        return stdout.toString(StandardCharsets.UTF_8).lines().map(Json::parse).toList();
    }

    @Test
    void aLineCarriesItsInvocationAndFieldsAsTopLevelMembers() {
        new JsonLog().error("job attempt failed: boom", new TestContext(), Map.of("jobId", "job-1", "tenantId", "acme"));

        assertThat(lines()).hasSize(1);
        JsonNode line = lines().get(0);
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("message").asText()).isEqualTo("job attempt failed: boom");
        assertThat(line.get("function").asText()).isEqualTo("jobs-worker");
        assertThat(line.get("requestId").asText()).isEqualTo("req-1");
        assertThat(line.get("jobId").asText()).isEqualTo("job-1");
        assertThat(line.get("tenantId").asText()).isEqualTo("acme");
        assertThat(line.get("logger").asText()).isEqualTo(JsonLog.class.getName());
        assertThat(line.has("timestamp")).isTrue();
        assertThat(line.has("@version")).as("logstash's bookkeeping is left out").isFalse();
        // The invocation's entries are this line's only: the next line on this thread is not filed under it.
        assertThat(MDC.get(JsonLog.FUNCTION)).isNull();
        assertThat(MDC.get(JsonLog.REQUEST_ID)).isNull();
    }

    @Test
    void aBodyOrSecretSlippedIntoTheFieldsIsMasked() {
        new JsonLog().info("sent", "email-worker", "req-2",
                Map.of("jobId", "job-2", "payload", "{\"to\":\"ada@example.com\"}", "apiKey", "sk_live"));

        JsonNode line = lines().get(0);
        assertThat(line.get("jobId").asText()).isEqualTo("job-2");
        assertThat(line.get("payload").asText()).isEqualTo("****");
        assertThat(line.get("apiKey").asText()).isEqualTo("****");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
    }
}
