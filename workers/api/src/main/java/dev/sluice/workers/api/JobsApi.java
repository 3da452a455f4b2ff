package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.jobs.IdempotencyKeyInUseException;
import dev.sluice.core.jobs.IdempotencyKeyReusedException;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobPage;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.CanonicalJson;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.gateway.Budget;
import dev.sluice.workers.http.Caller;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.metrics.MetricsScope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/jobs}, {@code GET /v1/jobs/{id}} and {@code GET /v1/jobs}. */
public final class JobsApi {

    /** API Gateway's own payload limit: larger bodies never reach a function. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /**
     * Payloads above this travel by reference. EventBridge takes at most 256 KiB per event, envelope
     * included, so the cut sits below that.
     */
    public static final int INLINE_PAYLOAD_BYTES = 192 * 1024;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Logger LOG = LoggerFactory.getLogger(JobsApi.class);

    private final JobStore jobs;
    private final JobEvents events;
    private final ClaimChecks claimChecks;
    private final Schemas schemas;
    private final long deadlineMillis;
    private final Clock clock;
    private final Metrics metrics;
    private final Budget budget;

    /** @param budget the tenants' AI budgets: an ai.request is refused (429) once the day's is spent */
    public JobsApi(JobStore jobs, JobEvents events, ClaimChecks claimChecks, Schemas schemas, long deadlineMillis,
            Clock clock, Metrics metrics, Budget budget) {
        this.jobs = jobs;
        this.events = events;
        this.claimChecks = claimChecks;
        this.schemas = schemas;
        this.deadlineMillis = deadlineMillis;
        this.clock = clock;
        this.metrics = metrics;
        this.budget = budget;
    }

    /**
     * {@code correlationId} names the request; the job and its events carry it. {@code modelType} is header
     * X-Model-Type's value (null when absent): an ai.request's route.
     */
    APIGatewayProxyResponseEvent submit(Caller caller, byte[] body, String idempotencyKey, String modelType,
            String correlationId) {
        if (body.length > MAX_BODY_BYTES) {
            return ApiResponses.error(413, "payload_too_large", "the body is " + body.length
                    + " bytes; the limit is " + MAX_BODY_BYTES, "body");
        }
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            return ApiResponses.error(400, "invalid_header", "Idempotency-Key must be 1 to 255 visible ASCII"
                    + " characters", "Idempotency-Key");
        }
        JsonRequest parsed = JsonRequest.parse(body, schemas, "jobs/envelope");
        if (!parsed.valid()) {
            return parsed.error();
        }
        AiRequestFields folded = AiRequestFields.fold(parsed.body(), modelType);
        if (!folded.valid()) {
            return folded.error();
        }
        JsonNode request = folded.request();
        JobType type = JobType.fromWire(request.get("type").asText());
        if (type == JobType.AI_REQUEST && budget.spent(caller.tenantId())) {
            Instant now = clock.instant();
            Instant tomorrow = BudgetLedger.nextDay(now);
            long seconds = Math.max(1, (Duration.between(now, tomorrow).toMillis() + 999) / 1000);
            return ApiResponses.error(429, "budget_exceeded", "the tenant's daily AI budget (daily_usd) is spent;"
                    + " ai.request jobs are accepted again from " + tomorrow, null,
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        long now = clock.millis();
        String jobId = UuidCreator.getTimeOrderedEpoch().toString();
        JsonNode payload = request.get("payload");
        String priority = request.hasNonNull("priority") ? request.get("priority").asText()
                : payload.path("priority").asText("normal");
        byte[] payloadJson = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        S3Ref payloadRef = payloadJson.length > INLINE_PAYLOAD_BYTES
                ? claimChecks.put("payloads/" + caller.tenantId() + "/" + jobId + ".json", payloadJson) : null;
        Job job = Job.queued(jobId, caller.tenantId(), caller.userId(), type, priority, now,
                payloadRef == null ? payload : null, payloadRef).withCorrelationId(correlationId);
        JobStore.Submission submission;
        try {
            // The same request with its keys in another order is the same request.
            submission = jobs.create(job, idempotencyKey, CanonicalJson.sha256(request), now, now + deadlineMillis);
        } catch (IdempotencyKeyReusedException e) {
            return ApiResponses.error(422, "idempotency_key_reused", e.getMessage(), "Idempotency-Key");
        } catch (IdempotencyKeyInUseException e) {
            return ApiResponses.error(409, "idempotency_key_in_use", e.getMessage(), "Idempotency-Key",
                    Map.of("Retry-After", "1"));
        }
        Job accepted = submission.job();
        try (LogContext scope = LogContext.job(accepted.tenantId(), accepted.jobId(), accepted.correlationId())) {
            if (submission.created()) {
                publish(job);
                // An idempotent replay accepted nothing new: only a created job counts.
                try (MetricsScope metered = metrics.scope()) {
                    metered.property("jobId", job.jobId()).property("tenantId", job.tenantId())
                            .count(Metric.JOBS_SUBMITTED, job.type().wire());
                }
            }
            LOG.atInfo().setMessage(submission.created() ? "job submitted" : "job submitted before: replayed")
                    .addKeyValue("type", accepted.type().wire()).log();
        }
        ObjectNode response = Json.object();
        response.put("jobId", accepted.jobId());
        response.put("status", accepted.status().name());
        response.putObject("links").put("self", "/v1/jobs/" + accepted.jobId());
        return ApiResponses.json(202, response, submission.created() ? Map.of()
                : Map.of("Idempotent-Replayed", "true"));
    }

    /**
     * Puts "Job Submitted". The row was written first and owes its outcome by a deadline, so even a
     * process that dies right here leaves the sweeper a job to put again; a failed put says so on the
     * row at once, and the sweeper retries it within seconds.
     */
    private void publish(Job job) {
        try {
            events.submitted(job);
        } catch (RuntimeException e) {
            LOG.error("Job Submitted not put; the sweeper will: " + e);
            try {
                jobs.publishFailed(job.tenantId(), job.jobId(), clock.millis());
            } catch (RuntimeException alsoDown) {
                LOG.error("could not mark the put as failed; the job's deadline will catch it: " + alsoDown);
            }
        }
    }

    APIGatewayProxyResponseEvent get(Caller caller, String jobId) {
        Optional<Job> job = jobId == null ? Optional.empty() : jobs.get(caller.tenantId(), jobId);
        return job.map(j -> ApiResponses.json(200, JobViews.view(j)))
                .orElseGet(() -> ApiResponses.error(404, "not_found", "no job " + jobId, "id"));
    }

    APIGatewayProxyResponseEvent list(Caller caller, Map<String, String> query) {
        JobStatus status = null;
        String statusParam = query.get("status");
        if (statusParam != null) {
            try {
                status = JobStatus.valueOf(statusParam);
            } catch (IllegalArgumentException e) {
                return ApiResponses.error(400, "invalid_parameter", "status must be one of QUEUED, RUNNING,"
                        + " SUCCEEDED, FAILED", "status");
            }
        }
        int limit = QueryParameters.integer(query, "limit", 20);
        if (limit < 1 || limit > 100) {
            return ApiResponses.error(400, "invalid_parameter", "limit must be an integer from 1 to 100", "limit");
        }
        JobPage page;
        try {
            page = jobs.list(caller.tenantId(), status, limit, query.get("cursor"));
        } catch (IllegalArgumentException e) {
            return ApiResponses.error(400, "invalid_parameter", e.getMessage(), "cursor");
        }
        ObjectNode response = Json.object();
        ArrayNode items = response.putArray("items");
        page.jobs().forEach(j -> items.add(JobViews.view(j)));
        if (page.cursor() != null) {
            response.put("nextCursor", page.cursor());
        } else {
            response.putNull("nextCursor");
        }
        return ApiResponses.json(200, response);
    }
}
