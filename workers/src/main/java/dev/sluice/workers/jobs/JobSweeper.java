package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.logging.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Runs on a schedule and does what the job flow still owes: puts "Job Submitted" for a job whose
 * put failed, fails a job with no outcome past its deadline (its message is in a DLQ or lost), and
 * puts "Job Completed"/"Job Failed" whose put failed. This is why no job stays QUEUED or RUNNING
 * forever, and why every finished job is announced.
 */
public final class JobSweeper implements RequestStreamHandler {

    private static final int BATCH_PER_SHARD = 100;

    private final JobStore jobs;
    private final JobEvents events;
    private final long deadlineMillis;
    private final JsonLog log;
    private final Clock clock;

    public JobSweeper() {
        this(AwsClients.fromEnvironment());
    }

    private JobSweeper(AwsClients aws) {
        this(new JobStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.JOBS_TABLE.from(aws)),
                new JobEvents(aws.build(EventBridgeClient.builder(), "EVENTBRIDGE"), Setting.EVENT_BUS.from(aws)),
                Setting.JOB_DEADLINE_SECONDS.intFrom(aws) * 1000L, new JsonLog(System.out), Clock.systemUTC());
    }

    public JobSweeper(JobStore jobs, JobEvents events, long deadlineMillis, JsonLog log, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.deadlineMillis = deadlineMillis;
        this.log = log;
        this.clock = clock;
    }

    /** What one sweep did. */
    public record Sweep(int republished, int expired, int announced, int errors) {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Sweep sweep = sweep();
        log.info("sweep done", context, Map.of("republished",
                        Integer.toString(sweep.republished()), "expired", Integer.toString(sweep.expired()),
                        "announced", Integer.toString(sweep.announced()), "errors", Integer.toString(sweep.errors())));
        output.write(Json.write(sweep).getBytes(StandardCharsets.UTF_8));
    }

    public Sweep sweep() {
        int republished = 0;
        int expired = 0;
        int announced = 0;
        int errors = 0;
        long now = clock.millis();
        for (JobStore.DueJob due : jobs.due(now, BATCH_PER_SHARD)) {
            var job = due.job();
            try {
                switch (due.duty()) {
                    case PUBLISH -> {
                        if (job.status() == JobStatus.QUEUED) {
                            events.submitted(job);
                            republished++;
                        }
                        jobs.published(job.tenantId(), job.jobId(), now + deadlineMillis);
                    }
                    case DEADLINE -> {
                        var failed = jobs.fail(job.tenantId(), job.jobId(), new JobError("deadline_exceeded",
                                "no outcome within " + deadlineMillis / 1000 + " s of submission: its message is in"
                                        + " a dead-letter queue or was lost", true), now);
                        if (failed.isPresent()) {
                            events.finished(failed.get());
                            jobs.announced(job.tenantId(), job.jobId());
                            expired++;
                        }
                    }
                    case ANNOUNCE -> {
                        events.finished(job);
                        jobs.announced(job.tenantId(), job.jobId());
                        announced++;
                    }
                }
            } catch (RuntimeException e) {
                // One job's trouble must not stop the sweep; it stays due and is tried next time.
                errors++;
                log.error("sweeping a job failed: " + e, "job-sweeper", "", Map.of("jobId", job.jobId(),
                        "tenantId", job.tenantId(), "duty", due.duty().name()));
            }
        }
        return new Sweep(republished, expired, announced, errors);
    }
}
