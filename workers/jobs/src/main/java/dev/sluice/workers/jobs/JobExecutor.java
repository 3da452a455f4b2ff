package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.jobs.Job;

/** The work of one job type. Throw {@link PermanentJobException} for input that can never succeed. */
@FunctionalInterface
public interface JobExecutor {

    JobOutcome execute(Job job, JsonNode payload, Context context) throws Exception;
}
