package dev.sluice.operations.dlq;

import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS's own redrive of a queue DLQ ({@code StartMessageMoveTask} with no destination: SQS sends each
 * message back to the queue it dead-lettered from), followed to its end with
 * {@code ListMessageMoveTasks}, and cancelled with {@code CancelMessageMoveTask}. Only a queue DLQ
 * can be redriven this way: an EventBridge target DLQ or a Lambda on-failure DLQ holds events and
 * invocation records, not messages of a source queue, and needs {@code sluice dlq replay}. Audited
 * ({@value #OPERATION}) before it starts and when the task ends; SQS gives redriven messages new ids.
 */
public final class DlqRedrive {

    public static final String OPERATION = "dlq.redrive";
    /** SQS's ceiling for {@code MaxNumberOfMessagesPerSecond}. */
    public static final int MAX_RATE = 500;
    private static final String RUNNING = "RUNNING";

    private final Deployment deployment;
    private final DeadLetterQueues dlqs;
    private final AuditLog audit;
    private final String via;
    private final Duration pollEvery;

    public DlqRedrive(Deployment deployment, String via, Clock clock, Duration pollEvery) {
        this.deployment = deployment;
        this.dlqs = DeadLetterQueues.of(deployment.topology());
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
        this.via = via;
        this.pollEvery = pollEvery;
    }

    /** A move task as SQS reports it; {@code failureReason} only for a FAILED one. */
    public record Progress(String status, long moved, long toMove, String failureReason) {

        public boolean running() {
            return RUNNING.equals(status);
        }

        static Progress of(ListMessageMoveTasksResultEntry task) {
            return new Progress(task.status(), orZero(task.approximateNumberOfMessagesMoved()),
                    orZero(task.approximateNumberOfMessagesToMove()), task.failureReason());
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }

    /**
     * The DLQ, if SQS can redrive it.
     *
     * @throws dev.sluice.operations.deployment.UnknownResourceException no such DLQ
     * @throws NotRedrivableException an EventBridge target or on-failure DLQ
     */
    public DeadLetterQueue redrivable(String name) {
        DeadLetterQueue dlq = dlqs.get(name);
        if (dlq.kind() != DeadLetterQueue.Kind.QUEUE) {
            throw new NotRedrivableException(dlq);
        }
        return dlq;
    }

    /**
     * Starts the move of every message of {@code name} back to its source queue, at most {@code rate}
     * a second (null: as fast as SQS goes), and reports its progress until it ends.
     *
     * @throws AlreadyRunningException a move task of this DLQ is running (SQS allows one per queue)
     */
    public Progress redrive(String name, Integer rate, Consumer<Progress> onProgress) throws InterruptedException {
        DeadLetterQueue dlq = redrivable(name);
        if (rate != null && (rate < 1 || rate > MAX_RATE)) {
            throw new IllegalArgumentException("--rate must be 1 to " + MAX_RATE + " messages a second, not " + rate);
        }
        String arn = arn(dlq.name());
        Optional<ListMessageMoveTasksResultEntry> running = running(arn);
        if (running.isPresent()) {
            throw new AlreadyRunningException(dlq.name(), Progress.of(running.get()));
        }
        Map<String, String> selection = new LinkedHashMap<>();
        selection.put("to", String.join(",", dlq.sources()));
        if (rate != null) {
            selection.put("rate", Integer.toString(rate));
        }
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, dlq.name(), selection, false);
        Progress last = null;
        try {
            String handle = deployment.sqs().startMessageMoveTask(b -> b.sourceArn(arn)
                    .maxNumberOfMessagesPerSecond(rate)).taskHandle();
            while (true) {
                last = task(arn, handle);
                onProgress.accept(last);
                if (!last.running()) {
                    break;
                }
                Thread.sleep(pollEvery.toMillis());
            }
        } catch (RuntimeException | InterruptedException e) {
            // The task may still run on SQS's side; the record says what was known when the wait stopped.
            audit.finish(started, AuditRecord.Outcome.FAILED, counts(last), e.toString());
            throw e;
        }
        AuditRecord.Outcome outcome = switch (last.status()) {
            case "COMPLETED" -> AuditRecord.Outcome.SUCCEEDED;
            case "CANCELLED", "CANCELLING" -> AuditRecord.Outcome.PARTIAL;
            default -> AuditRecord.Outcome.FAILED;
        };
        audit.finish(started, outcome, counts(last), last.failureReason());
        return last;
    }

    /**
     * Cancels the running move task of {@code name}; empty if none is running. Audited as a redrive
     * whose selection says it was a cancel.
     */
    public Optional<Progress> cancel(String name) {
        DeadLetterQueue dlq = redrivable(name);
        Optional<ListMessageMoveTasksResultEntry> running = running(arn(dlq.name()));
        if (running.isEmpty()) {
            return Optional.empty();
        }
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, dlq.name(),
                Map.of("cancel", "true"), false);
        try {
            long moved = deployment.sqs().cancelMessageMoveTask(b -> b.taskHandle(running.get().taskHandle()))
                    .approximateNumberOfMessagesMoved();
            Progress cancelled = new Progress("CANCELLED", moved, Progress.of(running.get()).toMove(), null);
            audit.finish(started, AuditRecord.Outcome.SUCCEEDED, counts(cancelled), null);
            return Optional.of(cancelled);
        } catch (RuntimeException e) {
            audit.finish(started, AuditRecord.Outcome.FAILED, Map.of(), e.toString());
            throw e;
        }
    }

    private String arn(String queue) {
        return deployment.sqs().getQueueAttributes(b -> b.queueUrl(deployment.queueUrl(queue))
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private Optional<ListMessageMoveTasksResultEntry> running(String arn) {
        return deployment.sqs().listMessageMoveTasks(b -> b.sourceArn(arn).maxResults(10)).results().stream()
                .filter(t -> RUNNING.equals(t.status())).findFirst();
    }

    /** Our task: the one holding our handle while it runs, else the most recent (SQS runs one per queue). */
    private Progress task(String arn, String handle) {
        var tasks = deployment.sqs().listMessageMoveTasks(b -> b.sourceArn(arn).maxResults(10)).results();
        return tasks.stream().filter(t -> handle.equals(t.taskHandle())).findFirst()
                .or(() -> tasks.stream().findFirst()).map(Progress::of)
                .orElseThrow(() -> new IllegalStateException("SQS lists no move task for " + arn
                        + " right after starting one"));
    }

    private static Map<String, Long> counts(Progress progress) {
        return progress == null ? Map.of() : Map.of("moved", progress.moved(), "toMove", progress.toMove());
    }

    /** A DLQ SQS cannot redrive: a usage error naming the command that can. */
    public static final class NotRedrivableException extends IllegalArgumentException {

        public NotRedrivableException(DeadLetterQueue dlq) {
            super(dlq.name() + " cannot be redriven by SQS: it holds "
                    + (dlq.kind() == DeadLetterQueue.Kind.EVENT_TARGET
                            ? "events EventBridge could not deliver to a rule's target"
                            : "Lambda's records of failed asynchronous invocations")
                    + ", not messages of a source queue; use `sluice dlq replay " + dlq.name() + "`");
        }
    }

    /** SQS runs one move task per queue. */
    public static final class AlreadyRunningException extends IllegalStateException {

        public AlreadyRunningException(String dlq, Progress progress) {
            super("a redrive of " + dlq + " is already running (" + progress.moved() + " of " + progress.toMove()
                    + " moved): wait for it, or stop it with --cancel");
        }
    }
}
