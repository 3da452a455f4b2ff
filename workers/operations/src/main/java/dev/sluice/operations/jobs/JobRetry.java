package dev.sluice.operations.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.jobevents.JobRoutes;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Puts failed jobs back through the path a DLQ replay takes: each job's "Job Submitted" event, built
 * as at submission (payload inline or by reference), goes to its lane queue(s) only, the ones the
 * bus's rules route it to, never to the bus (where every other rule would see it again). The lane
 * worker's replay transition then runs it: FAILED → RUNNING, its attempts continuing, the replay
 * counted. Audited ({@value #OPERATION}) before and after it sends.
 */
public final class JobRetry {

    public static final String OPERATION = "jobs.retry";

    private final Deployment deployment;
    private final JobRetrySelection selection;
    private final AuditLog audit;
    private final String via;
    private final Clock clock;
    private final Map<String, String> queueArns = new HashMap<>();

    public JobRetry(Deployment deployment, String via, Clock clock) {
        this.deployment = deployment;
        this.selection = new JobRetrySelection(new JobStore(deployment.dynamoDb(), deployment.tableName("sluice-jobs")),
                new JobRoutes(deployment.topology()));
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
        this.via = via;
        this.clock = clock;
    }

    /** What a retry would do, changing nothing: the dry run. */
    public RetryCandidate plan(JobRetrySelection.ById byId) {
        return selection.of(byId);
    }

    public List<RetryCandidate> plan(JobRetrySelection.Failed failed) {
        return selection.of(failed);
    }

    /** What a retry did: each job found, and for those it sent, whether the send failed. */
    public record Result(List<RetryCandidate> candidates, List<RetryCandidate> retried,
            Map<String, String> failed, AuditRecord audit) {

        public long count(RetryCandidate.Verdict verdict) {
            return candidates.stream().filter(c -> c.verdict() == verdict).count();
        }
    }

    public Result run(JobRetrySelection.ById byId) {
        RetryCandidate candidate = plan(byId);
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put("jobId", byId.jobId());
        if (byId.tenantId() != null) {
            chosen.put("tenant", byId.tenantId());
        }
        chosen.put("force", Boolean.toString(byId.force()));
        return run(byId.jobId(), chosen, List.of(candidate));
    }

    public Result run(JobRetrySelection.Failed failed) {
        List<RetryCandidate> candidates = plan(failed);
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put("status", "FAILED");
        chosen.put("since", DateTimeFormatter.ISO_INSTANT.format(failed.since()));
        failed.match().text().ifPresent(p -> chosen.put("match", p));
        if (failed.tenantId() != null) {
            chosen.put("tenant", failed.tenantId());
        }
        if (failed.limit() != Integer.MAX_VALUE) {
            chosen.put("limit", Integer.toString(failed.limit()));
        }
        chosen.put("force", Boolean.toString(failed.force()));
        return run(failed.tenantId() == null ? "FAILED jobs" : "FAILED jobs of " + failed.tenantId(), chosen,
                candidates);
    }

    private Result run(String target, Map<String, String> chosen, List<RetryCandidate> candidates) {
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, target, chosen, false);
        List<RetryCandidate> retried = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        try {
            for (RetryCandidate candidate : candidates) {
                if (candidate.verdict() != RetryCandidate.Verdict.RETRY) {
                    continue;
                }
                try {
                    for (String lane : candidate.lanes()) {
                        send(candidate.job(), lane);
                    }
                    retried.add(candidate);
                } catch (RuntimeException e) {
                    failures.put(candidate.job().jobId(), e.getMessage());
                }
            }
        } catch (RuntimeException | Error e) {
            audit.finish(started, AuditRecord.Outcome.FAILED, counts(candidates, retried, failures), e.toString());
            throw e;
        }
        Map<String, Long> counts = counts(candidates, retried, failures);
        boolean clean = failures.isEmpty() && counts.get("refused") == 0;
        AuditRecord.Outcome outcome = clean ? AuditRecord.Outcome.SUCCEEDED
                : retried.isEmpty() ? AuditRecord.Outcome.FAILED : AuditRecord.Outcome.PARTIAL;
        AuditRecord finished = audit.finish(started, outcome, counts, failures.isEmpty() ? null
                : failures.size() + " send(s) failed; the first: " + failures.values().iterator().next());
        return new Result(candidates, retried, failures, finished);
    }

    private static Map<String, Long> counts(List<RetryCandidate> candidates, List<RetryCandidate> retried,
            Map<String, String> failures) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("retried", (long) retried.size());
        counts.put("skipped", candidates.stream().filter(c -> c.verdict() == RetryCandidate.Verdict.SKIPPED).count());
        counts.put("refused", candidates.stream().filter(c -> c.verdict() == RetryCandidate.Verdict.REFUSED).count());
        counts.put("failed", (long) failures.size());
        return counts;
    }

    /**
     * The event as EventBridge would deliver it to the lane's queue: the same envelope, a new event
     * id, the account and region of the queue it goes to.
     */
    private void send(Job job, String lane) {
        String queueUrl = deployment.queueUrl(lane);
        String[] arn = queueArns.computeIfAbsent(queueUrl, url -> deployment.sqs().getQueueAttributes(b -> b
                .queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                .get(QueueAttributeName.QUEUE_ARN)).split(":");
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", JobEvents.SUBMITTED);
        event.put("source", JobEvents.SOURCE);
        event.put("account", arn[4]);
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        event.put("region", arn[3]);
        event.putArray("resources");
        event.set("detail", JobEvents.submittedDetail(job));
        deployment.sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.write(event)));
    }
}
