package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.jobs.Job;

/**
 * The work of one job type. Throw a permanent {@link dev.sluice.core.failure.PortFailure} for input that
 * can never succeed (the job FAILS at once with its code), a retryable one for what may pass.
 */
@FunctionalInterface
public interface JobExecutor {

    JobOutcome execute(Job job, JsonNode payload, Context context) throws Exception;
}
