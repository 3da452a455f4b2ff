package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The accumulation window of the batch lane, run on a schedule. It looks at every low-priority
 * ai.request waiting in the batch queue and:
 * <ul>
 * <li>when at least {@code BATCH_MIN_SIZE} wait, takes up to {@code BATCH_MAX_SIZE} into one batch:
 * each job RUNNING under a lease as long as the batch may take (and its deadline as far), its record
 * in {@code batch/{batchId}/input.jsonl}, the jobs in {@code jobs.json}, then the ai-batch state
 * machine started, and only then the messages deleted;</li>
 * <li>otherwise sends the jobs that have waited {@code BATCH_WINDOW_SECONDS} to the on-demand lane
 * (then deletes them here), and leaves the others for the next run.</li>
 * </ul>
 * A message that is no job goes to the batch lane's DLQ at once with why. A job already taken or
 * finished (a duplicate delivery) has its message dropped. Whatever fails midway leaves the messages
 * to come back and the jobs' leases released, so nothing is lost between two runs.
 */
public final class BatchCollector implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCollector.class);
    /** Longer than a run: a message being decided on is not seen by an overlapping run. */
    private static final int RECEIVE_VISIBILITY_SECONDS = 180;
    private static final DateTimeFormatter BATCH_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    /** What the collector does, as settings. */
    public record Window(int minSize, int maxSize, Duration window, String modelId, int pollSeconds,
            int timeoutHours, long deadlineMillis) {
    }

    /** What one run did. */
    public record Collection(String batchId, int batched, int onDemand, int waiting, int deadLettered,
            int duplicates) {
    }

    private final SqsClient sqs;
    private final String batchQueueUrl;
    private final String deadLetterQueueUrl;
    private final String onDemandQueueUrl;
    private final JobStore jobs;
    private final ClaimChecks claimChecks;
    private final BatchFiles files;
    private final String bucket;
    private final SfnClient sfn;
    private final String stateMachineArn;
    private final Window settings;
    private final Clock clock;

    public BatchCollector() {
        this(AwsClients.fromEnvironment());
    }

    private BatchCollector(AwsClients aws) {
        this(aws.build(SqsClient.builder(), "SQS"), BatchSettings.BATCH_QUEUE_URL.from(aws),
                BatchSettings.BATCH_DEAD_LETTER_QUEUE_URL.from(aws), BatchSettings.ON_DEMAND_QUEUE_URL.from(aws),
                new JobStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.JOBS_TABLE.from(aws)),
                S3Access.client(aws), Setting.PAYLOAD_BUCKET.from(aws), aws.build(SfnClient.builder(), "SFN"),
                BatchSettings.BATCH_STATE_MACHINE_ARN.from(aws),
                new Window(BatchSettings.BATCH_MIN_SIZE.intFrom(aws), BatchSettings.BATCH_MAX_SIZE.intFrom(aws),
                        Duration.ofSeconds(BatchSettings.BATCH_WINDOW_SECONDS.intFrom(aws)),
                        BatchSettings.BATCH_MODEL_ID.from(aws), BatchSettings.BATCH_POLL_SECONDS.intFrom(aws),
                        BatchSettings.BATCH_TIMEOUT_HOURS.intFrom(aws),
                        Setting.JOB_DEADLINE_SECONDS.intFrom(aws) * 1000L),
                Clock.systemUTC());
        Priming.of(BatchCollector.class, aws).register(this);
    }

    public BatchCollector(SqsClient sqs, String batchQueueUrl, String deadLetterQueueUrl, String onDemandQueueUrl,
            JobStore jobs, S3Client s3, String bucket, SfnClient sfn, String stateMachineArn, Window settings,
            Clock clock) {
        if (settings.minSize() < 1 || settings.maxSize() < settings.minSize()) {
            throw new IllegalArgumentException("BATCH_MIN_SIZE must be at least 1 and at most BATCH_MAX_SIZE");
        }
        this.sqs = sqs;
        this.batchQueueUrl = batchQueueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.onDemandQueueUrl = onDemandQueueUrl;
        this.jobs = jobs;
        this.claimChecks = new ClaimChecks(s3, bucket);
        this.files = new BatchFiles(s3);
        this.bucket = bucket;
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext invocation = LogContext.invocation(context)) {
            Collection done = collect();
            LOG.atInfo().setMessage("batch collection done").addKeyValue("batchId", done.batchId())
                    .addKeyValue("batched", done.batched()).addKeyValue("onDemand", done.onDemand())
                    .addKeyValue("waiting", done.waiting()).addKeyValue("deadLettered", done.deadLettered())
                    .addKeyValue("duplicates", done.duplicates()).log();
            output.write(Json.write(done).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A message of the batch lane and the job it carries. */
    private record Waiting(Message message, JsonNode event, String tenantId, String jobId, long sentAt) {
    }

    public Collection collect() {
        List<Waiting> waiting = new ArrayList<>();
        int deadLettered = 0;
        for (Message message : receive(settings.maxSize())) {
            Waiting w = read(message);
            if (w == null) {
                deadLetter(message, "the message is not a \"Job Submitted\" event of an ai.request job");
                deadLettered++;
            } else {
                waiting.add(w);
            }
        }
        if (waiting.size() >= settings.minSize()) {
            return batch(waiting, deadLettered);
        }
        long now = clock.millis();
        int onDemand = 0;
        List<Message> stay = new ArrayList<>();
        for (Waiting w : waiting) {
            if (now - w.sentAt() >= settings.window().toMillis()) {
                sqs.sendMessage(b -> b.queueUrl(onDemandQueueUrl).messageBody(w.message().body()));
                delete(w.message());
                onDemand++;
            } else {
                stay.add(w.message());
            }
        }
        release(stay);
        return new Collection(null, 0, onDemand, stay.size(), deadLettered, 0);
    }

    private Collection batch(List<Waiting> waiting, int deadLettered) {
        long now = clock.millis();
        // The job is the batch's until Bedrock's own timeout has passed, with an hour to fan out.
        long holdUntil = now + Duration.ofHours(settings.timeoutHours() + 1L).toMillis();
        List<Waiting> taken = new ArrayList<>();
        List<BatchEntry> entries = new ArrayList<>();
        List<ObjectNode> lines = new ArrayList<>();
        int duplicates = 0;
        try {
            for (Waiting w : waiting) {
                JobStore.Claim claim = jobs.markRunning(w.tenantId(), w.jobId(), now, holdUntil,
                        now + settings.deadlineMillis());
                if (claim instanceof JobStore.Claim.Running running) {
                    taken.add(w);
                    // The sweeper would otherwise fail the job at its deadline while the batch runs.
                    jobs.extendDeadline(w.tenantId(), w.jobId(), holdUntil);
                    entries.add(new BatchEntry(w.jobId(), w.tenantId(), w.event()));
                    lines.add(ConverseRecords.inputLine(w.jobId(), payload(running.job(), w.event())));
                } else {
                    delete(w.message()); // taken by an earlier run, or finished: this delivery is a duplicate
                    duplicates++;
                }
            }
            if (taken.isEmpty()) {
                return new Collection(null, 0, 0, 0, deadLettered, duplicates);
            }
            String batchId = "batch-" + BATCH_TIME.format(Instant.ofEpochMilli(now)) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            BatchRun run = BatchRun.of(batchId, settings.modelId(), bucket, taken.size(), settings.pollSeconds(),
                    settings.timeoutHours());
            files.writeInput(run, lines);
            files.writeManifest(run, entries);
            sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(batchId).input(Json.write(run)));
            taken.forEach(w -> delete(w.message()));
            return new Collection(batchId, taken.size(), 0, 0, deadLettered, duplicates);
        } catch (RuntimeException e) {
            // Nothing was handed over: the jobs may be taken again, by the next run or on demand.
            for (Waiting w : taken) {
                try {
                    jobs.releaseLease(w.tenantId(), w.jobId());
                } catch (RuntimeException ignored) {
                    // the lease then runs out by itself; the message comes back before it and finds the job held
                }
            }
            release(taken.stream().map(Waiting::message).toList());
            throw e;
        }
    }

    private JsonNode payload(Job job, JsonNode event) {
        JsonNode detail = event.path("detail");
        if (detail.has("payloadRef")) {
            return claimChecks.get(Json.MAPPER.convertValue(detail.get("payloadRef"), S3Ref.class));
        }
        return detail.has("payload") ? detail.get("payload") : job.payload();
    }

    private List<Message> receive(int most) {
        List<Message> messages = new ArrayList<>();
        while (messages.size() < most) {
            int want = Math.min(10, most - messages.size());
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(batchQueueUrl).maxNumberOfMessages(want)
                    .visibilityTimeout(RECEIVE_VISIBILITY_SECONDS).waitTimeSeconds(messages.isEmpty() ? 1 : 0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
            if (got.isEmpty()) {
                break;
            }
            messages.addAll(got);
        }
        return messages;
    }

    private static Waiting read(Message message) {
        JsonNode event;
        try {
            event = Json.parse(message.body());
        } catch (RuntimeException e) {
            return null;
        }
        JsonNode detail = event.path("detail");
        String tenantId = detail.path("tenantId").asText(null);
        String jobId = detail.path("jobId").asText(null);
        if (tenantId == null || jobId == null || !"ai.request".equals(detail.path("type").asText())
                || !(detail.has("payload") || detail.has("payloadRef"))) {
            return null;
        }
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return new Waiting(message, event, tenantId, jobId, sent == null ? 0 : Long.parseLong(sent));
    }

    private void deadLetter(Message message, String reason) {
        sqs.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(message.body()).messageAttributes(java.util.Map.of(
                "SluiceErrorCode", text("invalid_event"), "SluiceErrorMessage", text(reason),
                "SluiceSourceMessageId", text(message.messageId()))));
        delete(message);
        LOG.atError().setMessage("message moved to the DLQ: " + reason).log();
    }

    private static software.amazon.awssdk.services.sqs.model.MessageAttributeValue text(String value) {
        return software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String")
                .stringValue(value).build();
    }

    private void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(batchQueueUrl).receiptHandle(message.receiptHandle()));
    }

    /** Visible again at once: the next run decides on them. */
    private void release(List<Message> messages) {
        for (Message m : messages) {
            try {
                sqs.changeMessageVisibility(b -> b.queueUrl(batchQueueUrl).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(0));
            } catch (RuntimeException e) {
                LOG.error("could not release a message; it comes back after " + RECEIVE_VISIBILITY_SECONDS + " s: " + e);
            }
        }
    }
}
