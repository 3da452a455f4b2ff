package dev.sluice.workers.ai.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.gateway.Pricing;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ConverseRecordsTest {

    @Test
    void aJobBecomesAConverseRecordNamedByItsJobId() {
        JsonNode payload = Json.parse("{\"input\":\"Name three rivers.\",\"temperature\":0.3,\"maxTokens\":256,"
                + "\"priority\":\"low\"}");

        JsonNode line = ConverseRecords.inputLine("job-1", payload);

        assertThat(line).isEqualTo(Json.parse("{\"recordId\":\"job-1\",\"modelInput\":{\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"text\":\"Name three rivers.\"}]}],\"inferenceConfig\":{\"maxTokens\":256,"
                + "\"temperature\":0.3}}}"));
        assertThat(ConverseRecords.inputLine("job-2", Json.parse("{\"input\":\"Hi.\"}")).at("/modelInput/inferenceConfig"))
                .isEqualTo(Json.parse("{\"maxTokens\":1024}"));
    }

    @Test
    void anAnswerIsReadFromAConverseResponseWithEveryKindOfToken() throws IOException {
        JsonNode line;
        try (InputStream in = getClass().getResourceAsStream("/batch/converse-output-line.json")) {
            line = Json.MAPPER.readTree(in);
        }

        ConverseRecords.Answer answer = ConverseRecords.answer(line.get("modelOutput"));

        assertThat(answer.text()).isEqualTo("The Nile, the Amazon, the Rhine.");
        assertThat(answer.stopReason()).isEqualTo("end_turn");
        assertThat(answer.usage()).isEqualTo(new TokenUsage(12, 9, 1000, 200));
        assertThat(answer.latencyMs()).isEqualTo(840);
    }

    @Test
    void theBatchPriceIsTheFactorOfTheOnDemandPrice() {
        Pricing perToken = new Pricing() {
            @Override
            public BigDecimal cost(String modelId, TokenUsage usage) {
                return new BigDecimal("0.000003").multiply(BigDecimal.valueOf(usage.inputTokens()))
                        .add(new BigDecimal("0.000015").multiply(BigDecimal.valueOf(usage.outputTokens())));
            }

            @Override
            public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
                throw new UnsupportedOperationException();
            }
        };

        BigDecimal cost = new BatchPrice(perToken, new BigDecimal("0.5")).cost("m", new TokenUsage(1000, 100, 0, 0));

        assertThat(cost).isEqualByComparingTo("0.00225");
        assertThatThrownBy(() -> new BatchPrice(perToken, new BigDecimal("1.5")))
                .hasMessageContaining("BATCH_PRICE_FACTOR");
        assertThatThrownBy(() -> new BatchPrice(perToken, BigDecimal.ZERO)).hasMessageContaining("BATCH_PRICE_FACTOR");
    }

    @Test
    void bedrockWritesTheOutputInAFolderNamedByTheJobsId() {
        BatchRun run = BatchRun.of("batch-1", "m", "sluice-payloads", 3, 1, 24);

        assertThat(run.inputUri()).isEqualTo("s3://sluice-payloads/batch/batch-1/input.jsonl");
        assertThat(run.outputUri()).isEqualTo("s3://sluice-payloads/batch/batch-1/output/");
        assertThat(run.outputKey("arn:aws:bedrock:us-east-1:000000000000:model-invocation-job/abcdef012345"))
                .isEqualTo("batch/batch-1/output/abcdef012345/input.jsonl.out");
    }
}
