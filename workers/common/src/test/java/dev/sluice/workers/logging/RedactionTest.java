package dev.sluice.workers.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The Lambda bundles' own encoder configuration ({@code logback.xml}), fed every place a secret can
 * reach a line: the message, key-value pairs, MDC entries and an exception's message and stack trace.
 */
class RedactionTest {

    private static final String KEY = "sk_" + "Ab3dE_f-9hIjKlMnOpQrStUvWxYz0123456789AbCdE";
    private static final String ADDRESS = "ada.lovelace+jobs@example.co.uk";

    private final LoggerContext logback = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Logger log;

    @BeforeEach
    void configure() throws Exception {
        logback.setMDCAdapter(MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logback);
        configurator.doConfigure(RedactionTest.class.getResource("/logback.xml"));
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> stdout = (OutputStreamAppender<ILoggingEvent>) logback
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("stdout");
        stdout.setOutputStream(out);
        log = logback.getLogger("dev.sluice.test");
    }

    @AfterEach
    void stop() {
        MDC.clear();
        logback.stop();
    }

    @Test
    void theKeyIsAnApiKeyOfTheIssuedShape() {
        assertThat(KEY).hasSize(3 + 43);
    }

    @Test
    void addressesAndKeysAreMaskedInTheMessageTheKeyValuesTheMdcAndTheStackTrace() {
        MDC.put("caller", "key " + KEY);
        log.atError().setMessage("mail to " + ADDRESS + " with " + KEY + " failed")
                .addKeyValue("recipient", "<" + ADDRESS + ">").addKeyValue("header", "x-api-key: " + KEY)
                .setCause(new IllegalStateException("rejected " + ADDRESS)).log();

        String written = written();
        assertThat(written).doesNotContain(ADDRESS).doesNotContain(KEY).doesNotContain("lovelace");
        JsonNode line = Json.parse(written);
        assertThat(line.get("message").asText()).isEqualTo("mail to **** with **** failed");
        assertThat(line.get("recipient").asText()).isEqualTo("<****>");
        assertThat(line.get("header").asText()).isEqualTo("x-api-key: ****");
        assertThat(line.get("caller").asText()).isEqualTo("key ****");
        assertThat(line.get("stack_trace").asText()).startsWith("java.lang.IllegalStateException: rejected ****")
                .contains("at dev.sluice.workers.logging.RedactionTest");
    }

    @Test
    void bodiesAndSecretsAreMaskedWholeByTheirNameAtAnyDepth() {
        log.atInfo().setMessage("job payload").addKeyValue("input", "Write a haiku about my diagnosis")
                .addKeyValue("payload", Map.of("to", List.of("someone"), "templateId", "welcome",
                        "data", Map.of("name", "Ada")))
                .addKeyValue("apiKey", "not-even-a-key-shape").addKeyValue("jobId", "job-1").log();

        JsonNode line = Json.parse(written());
        assertThat(line.get("input").asText()).isEqualTo(Redaction.MASK);
        assertThat(line.get("payload").asText()).isEqualTo(Redaction.MASK);
        assertThat(line.get("apiKey").asText()).isEqualTo(Redaction.MASK);
        assertThat(line.get("jobId").asText()).isEqualTo("job-1");

        out.reset();
        log.atInfo().setMessage("nested").addKeyValue("request", Map.of("subject", "Your results", "body", "Dear Ada",
                "prompt", "secret plans", "model", "titan")).log();
        JsonNode nested = Json.parse(written()).get("request");
        assertThat(nested.get("subject").asText()).isEqualTo(Redaction.MASK);
        assertThat(nested.get("body").asText()).isEqualTo(Redaction.MASK);
        assertThat(nested.get("prompt").asText()).isEqualTo(Redaction.MASK);
        assertThat(nested.get("model").asText()).isEqualTo("titan");
    }

    @Test
    void textWithoutSecretsIsLeftAlone() {
        assertThat(Redaction.redact("task_abc and sk_short and user@ without domain"))
                .isEqualTo("task_abc and sk_short and user@ without domain");
        assertThat(Redaction.redact("two: a@b.io, c.d@e-f.example")).isEqualTo("two: ****, ****");
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
