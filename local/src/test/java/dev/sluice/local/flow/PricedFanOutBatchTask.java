package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.ai.batch.FanOutBatchTask;
import dev.sluice.workers.ai.gateway.Pricing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The real fan-out step with an on-demand price for the offline model (which costs nothing in
 * production): USD 2 per million input tokens and 10 per million output tokens, so the batch price
 * can be seen to be the factor of it. Only the price table is a stand-in.
 */
public final class PricedFanOutBatchTask implements RequestStreamHandler {

    static final BigDecimal INPUT_PER_MILLION = new BigDecimal("2");
    static final BigDecimal OUTPUT_PER_MILLION = new BigDecimal("10");

    private final FanOutBatchTask task = new FanOutBatchTask(AwsClients.fromEnvironment(), new Pricing() {
        @Override
        public BigDecimal cost(String modelId, TokenUsage usage) {
            return onDemand(usage.inputTokens(), usage.outputTokens());
        }

        @Override
        public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
            return onDemand(promptTokens, maxTokens);
        }
    });

    static BigDecimal onDemand(int inputTokens, int outputTokens) {
        return INPUT_PER_MILLION.multiply(BigDecimal.valueOf(inputTokens))
                .add(OUTPUT_PER_MILLION.multiply(BigDecimal.valueOf(outputTokens)))
                .divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        task.handleRequest(input, output, context);
    }
}
