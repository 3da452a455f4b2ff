package dev.sluice.workers.ai.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One batch as the state machine carries it: where its records, its manifest of jobs and its output
 * are in the payloads bucket, the model, and how often to look at the model job. The execution's
 * input; each step adds its own result beside it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchRun(String batchId, String modelId, String bucket, String inputKey, String manifestKey,
        String outputPrefix, int records, int pollSeconds, int timeoutHours) {

    static final String PREFIX = "batch/";

    static BatchRun of(String batchId, String modelId, String bucket, int records, int pollSeconds,
            int timeoutHours) {
        String base = PREFIX + batchId + "/";
        return new BatchRun(batchId, modelId, bucket, base + "input.jsonl", base + "jobs.json", base + "output/",
                records, pollSeconds, timeoutHours);
    }

    String inputUri() {
        return "s3://" + bucket + "/" + inputKey;
    }

    String outputUri() {
        return "s3://" + bucket + "/" + outputPrefix;
    }

    /**
     * Where Bedrock writes the results of {@code jobArn}: a folder named by the job's id under the
     * output location, one {@code <input file>.out} per input file.
     */
    String outputKey(String jobArn) {
        String jobId = jobArn.substring(jobArn.lastIndexOf('/') + 1);
        String inputFile = inputKey.substring(inputKey.lastIndexOf('/') + 1);
        return outputPrefix + jobId + "/" + inputFile + ".out";
    }
}
