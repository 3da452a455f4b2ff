package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.priming.Priming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every Catch of the batch state machine leads, and where a model job that failed, stopped or
 * expired goes: every job the batch still holds goes back to the on-demand lane, which answers it as
 * any normal-priority job (and fails it there with a reason if the model refuses it).
 */
public final class ReturnBatchTask extends BatchTask {

    private static final Logger LOG = LoggerFactory.getLogger(ReturnBatchTask.class);

    private final BatchFiles files;
    private final BatchJobs jobs;

    public ReturnBatchTask() {
        this(AwsClients.fromEnvironment());
    }

    private ReturnBatchTask(AwsClients aws) {
        this(new BatchFiles(dev.sluice.workers.config.S3Access.client(aws)), FanOutBatchTask.batchJobs(aws));
        Priming.of(ReturnBatchTask.class, aws).register(this);
    }

    ReturnBatchTask(BatchFiles files, BatchJobs jobs) {
        this.files = files;
        this.jobs = jobs;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        BatchRun run = run(input);
        String why = input.has("failure") ? input.path("failure").path("Error").asText() + ": "
                + input.path("failure").path("Cause").asText()
                : "the model job ended " + input.path("poll").path("status").asText() + ": "
                        + input.path("poll").path("message").asText();
        int returned = 0;
        for (BatchEntry entry : files.manifest(run)) {
            returned += jobs.returnOnDemand(entry) ? 1 : 0;
        }
        LOG.atError().setMessage("batch returned on demand: " + why).addKeyValue("batchId", run.batchId())
                .addKeyValue("returned", returned).log();
        return Json.object().put("returnedOnDemand", returned).put("reason", why);
    }
}
