package dev.sluice.operations.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.topology.Definitions;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.select.MessagePattern;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What an operator does with the dead-letter queues of a stack: list them, peek into one, replay its messages to
 * where they failed, purge some. The same code serves {@code sluice dlq} and the admin API, locally and on AWS.
 *
 * <p>Messages are never consumed by looking: every read holds them invisible and makes each one not deleted visible
 * again at the end, on the error paths too. A replayed message leaves the DLQ only after its send succeeded; a
 * process killed between the two leaves it in both places, a duplicate the idempotent workers absorb, never a loss.
 */
public final class DeadLetterOperations {

    /** Messages read per DLQ by {@link #list()} for the age of the oldest and the top reasons. */
    static final int SAMPLE = 100;
    static final int TOP_REASONS = 3;
    /** Long enough to read and look: a peek or a list sample. */
    private static final int LOOK_VISIBILITY_SECONDS = 30;
    /** Long enough to choose and prepare (reading the whole DLQ, looking up jobs). */
    private static final int SCAN_VISIBILITY_SECONDS = 300;
    /** An operator's time to edit one message. */
    private static final int EDIT_SECONDS_PER_MESSAGE = 600;
    /** A generous time per send when no rate is set (a Lambda invoke on AWS takes tens of milliseconds). */
    private static final double UNLIMITED_SECONDS_PER_SEND = 0.2;

    private final Deployment deployment;
    private final AuditLog audit;
    private final Clock clock;
    private final DeadLetterQueues catalog;
    private EventSchemas schemas;

    public DeadLetterOperations(Deployment deployment, AuditLog audit, Clock clock) {
        this.deployment = deployment;
        this.audit = audit;
        this.clock = clock;
        this.catalog = DeadLetterQueues.of(deployment.topology());
    }

    /** Every DLQ of the topology with its depth, the age of its oldest sampled message and its top failure codes. */
    public List<DlqSummary> list() {
        FailureReasons reasons = new FailureReasons(deployment);
        List<DlqSummary> summaries = new ArrayList<>();
        for (DeadLetterQueue dlq : catalog.all()) {
            String url = deployment.queueUrl(dlq.name());
            Map<QueueAttributeName, String> counts = deployment.sqs().getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            List<DlqMessage> sample = read(url, SAMPLE);
            Instant oldest = sample.stream().map(DlqMessage::sentAt).filter(t -> t != null).min(Comparator.naturalOrder())
                    .orElse(null);
            Map<String, Integer> byCode = new HashMap<>();
            for (DlqMessage message : sample) {
                byCode.merge(reasons.of(message.attributes(), message).code(), 1, Integer::sum);
            }
            List<DlqSummary.ReasonCount> top = byCode.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(TOP_REASONS).map(e -> new DlqSummary.ReasonCount(e.getKey(), e.getValue())).toList();
            summaries.add(new DlqSummary(dlq.name(), dlq.kind().wire(), dlq.sources(),
                    count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                    count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                    oldest == null ? null : oldest.toString(),
                    oldest == null ? null : Math.max(0, Duration.between(oldest, clock.instant()).toSeconds()),
                    sample.size(), top));
        }
        return summaries;
    }

    /**
     * Up to {@code limit} messages of a DLQ, left in it.
     *
     * @throws dev.sluice.operations.deployment.UnknownResourceException no such DLQ
     */
    public List<PeekedMessage> peek(String dlq, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the limit must be more than 0 messages, not " + limit);
        }
        DeadLetterQueue queue = catalog.get(dlq);
        FailureReasons reasons = new FailureReasons(deployment);
        return read(deployment.queueUrl(queue.name()), limit).stream().map(m -> new PeekedMessage(m.messageId(),
                m.message().body(), m.job(), m.attributes(), m.receiveCount(), text(m.firstReceivedAt()),
                text(m.sentAt()), replayCount(m, reasons), reasons.of(m.attributes(), m))).toList();
    }

    /**
     * Sends the chosen messages of a DLQ back to where they failed, then deletes each from the DLQ. Messages not
     * chosen, refused or whose send failed stay in the DLQ, visible again when this returns.
     *
     * @throws dev.sluice.operations.deployment.UnknownResourceException no such DLQ
     * @throws MessageEditor.NotJsonException an edit is not JSON: nothing was sent
     */
    public ReplayReport replay(String dlq, ReplayRequest request, ReplayListener listener) {
        DeadLetterQueue queue = catalog.get(dlq);
        FailureReasons reasons = new FailureReasons(deployment);
        Map<String, String> queueUrls = new HashMap<>();
        List<ReplayItem> items = new ArrayList<>();
        try (HeldMessages held = new HeldMessages(deployment.sqs(), deployment.queueUrl(queue.name()),
                SCAN_VISIBILITY_SECONDS)) {
            Chosen chosen = choose(held, request.match(), request.limit());
            List<Planned> plan = new ArrayList<>();
            for (DlqMessage message : chosen.messages()) {
                int replays = replayCount(message, reasons);
                String jobId = message.job() == null ? null : message.job().jobId();
                ReplayDestination destination;
                try {
                    destination = ReplayDestination.of(queue, message, deployment, queueUrls);
                } catch (ReplayDestination.UnroutableException | IllegalArgumentException e) {
                    items.add(new ReplayItem(message.messageId(), jobId, null, ReplayItem.Outcome.FAILED, replays,
                            e.getMessage()));
                    continue;
                }
                ReplayItem item = new ReplayItem(message.messageId(), jobId, destination.address(), null, replays, null);
                if (replays >= request.maxReplays() && !request.force()) {
                    items.add(item.with(ReplayItem.Outcome.REFUSED, "replayed " + replays + " time(s) already (at most "
                            + request.maxReplays() + "); --force replays it again"));
                    continue;
                }
                plan.add(new Planned(message, destination, message.payload(), item));
            }
            if (request.editor() != null) {
                plan = edit(held, plan, request.editor(), items);
            }
            listener.chosen(plan.size());
            if (request.dryRun()) {
                plan.forEach(p -> items.add(p.item().with(ReplayItem.Outcome.WOULD_MOVE, null)));
                return report(null, chosen.skipped(), items);
            }
            double secondsPerSend = request.ratePerSecond() == null ? UNLIMITED_SECONDS_PER_SEND
                    : 1 / request.ratePerSecond();
            held.hold(plan.stream().map(p -> p.message().message()).toList(),
                    SCAN_VISIBILITY_SECONDS + (long) Math.ceil(plan.size() * secondsPerSend));
            return send(queue, request, listener, held, plan, chosen.skipped(), items);
        }
    }

    private ReplayReport send(DeadLetterQueue queue, ReplayRequest request, ReplayListener listener,
            HeldMessages held, List<Planned> plan, int skipped, List<ReplayItem> items) {
        AuditRecord record = audit.begin("dlq.replay", deployment.principal(), request.via(), queue.name(),
                request.selection(), false);
        RateLimiter limiter = request.ratePerSecond() == null ? null : limiter(request.ratePerSecond());
        try {
            for (Planned p : plan) {
                if (limiter != null) {
                    limiter.acquirePermission();
                }
                Message message = p.message().message();
                ReplayItem item;
                try {
                    p.destination().send(deployment, p.payload(), message.messageAttributes(), p.item().replayCount() + 1);
                    item = p.item().with(ReplayItem.Outcome.MOVED, null);
                } catch (RuntimeException e) {
                    item = p.item().with(ReplayItem.Outcome.FAILED, "send failed: " + oneLine(e));
                    items.add(item);
                    listener.done(item);
                    continue;
                }
                listener.sent(item);
                try {
                    held.delete(message);
                } catch (RuntimeException e) {
                    item = item.with(ReplayItem.Outcome.FAILED, "sent, but not deleted from the DLQ (a duplicate the"
                            + " workers absorb if it is replayed again): " + oneLine(e));
                }
                items.add(item);
                listener.done(item);
            }
        } catch (RuntimeException e) {
            ReplayReport sofar = report(record.id(), skipped, items);
            audit.finish(record, AuditRecord.Outcome.FAILED, counts(sofar), oneLine(e));
            throw e;
        }
        ReplayReport report = report(record.id(), skipped, items);
        audit.finish(record, report.failed() == 0 ? AuditRecord.Outcome.SUCCEEDED : AuditRecord.Outcome.PARTIAL,
                counts(report), null);
        if (report.moved() > 0) {
            deployment.metrics().ifPresent(m -> m.dlqReplayed(queue.name(), report.moved()));
        }
        return report;
    }

    /**
     * Deletes the messages of a DLQ that match; in a dry run only counts them.
     *
     * @throws dev.sluice.operations.deployment.UnknownResourceException no such DLQ
     */
    public PurgeReport purge(String dlq, MessagePattern match, boolean dryRun, String via) {
        DeadLetterQueue queue = catalog.get(dlq);
        MessagePattern pattern = match == null ? MessagePattern.all() : match;
        try (HeldMessages held = new HeldMessages(deployment.sqs(), deployment.queueUrl(queue.name()),
                SCAN_VISIBILITY_SECONDS)) {
            Chosen chosen = choose(held, pattern, null);
            List<String> ids = chosen.messages().stream().map(DlqMessage::messageId).toList();
            if (dryRun) {
                return new PurgeReport(null, true, ids.size(), 0, chosen.skipped(), ids);
            }
            Map<String, String> selection = new LinkedHashMap<>();
            pattern.text().ifPresent(p -> selection.put("match", p));
            AuditRecord record = audit.begin("dlq.purge", deployment.principal(), via, queue.name(), selection, false);
            int deleted = 0;
            try {
                for (DlqMessage message : chosen.messages()) {
                    held.delete(message.message());
                    deleted++;
                }
            } catch (RuntimeException e) {
                audit.finish(record, AuditRecord.Outcome.FAILED, Map.of("matched", (long) ids.size(), "deleted",
                        (long) deleted, "kept", (long) chosen.skipped()), oneLine(e));
                throw e;
            }
            audit.finish(record, AuditRecord.Outcome.SUCCEEDED, Map.of("matched", (long) ids.size(), "deleted",
                    (long) deleted, "kept", (long) chosen.skipped()), null);
            return new PurgeReport(record.id(), false, ids.size(), deleted, chosen.skipped(), ids);
        }
    }

    /** The messages chosen, and how many read were not (no match, or past the limit). */
    private record Chosen(List<DlqMessage> messages, int skipped) {
    }

    /** A message about to be sent: where, and what (edited or as it was). */
    private record Planned(DlqMessage message, ReplayDestination destination, String payload, ReplayItem item) {
    }

    /** Reads the whole DLQ (or until {@code limit} matched), holding every message read. */
    private static Chosen choose(HeldMessages held, MessagePattern match, Integer limit) {
        List<DlqMessage> chosen = new ArrayList<>();
        int skipped = 0;
        while (limit == null || chosen.size() < limit) {
            List<Message> batch = held.next();
            if (batch.isEmpty()) {
                break;
            }
            for (Message message : batch) {
                if ((limit == null || chosen.size() < limit) && match.matches(message.body())) {
                    chosen.add(DlqMessage.of(message));
                } else {
                    skipped++;
                }
            }
        }
        return new Chosen(chosen, skipped);
    }

    /**
     * Every planned message through the editor before the first send, so an edit that is not JSON stops the replay
     * with nothing moved. An edit that breaks its schema is refused (not sent, left in the DLQ).
     */
    private List<Planned> edit(HeldMessages held, List<Planned> plan, MessageEditor editor, List<ReplayItem> items) {
        held.hold(plan.stream().map(p -> p.message().message()).toList(),
                (long) EDIT_SECONDS_PER_MESSAGE * plan.size());
        List<Planned> edited = new ArrayList<>();
        for (Planned p : plan) {
            String text;
            try {
                text = editor.edit(p.message().messageId(), pretty(p.payload()));
            } catch (MessageEditor.NotJsonException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the editor failed on message " + p.message().messageId()
                        + "; nothing was replayed: " + oneLine(e), e);
            }
            JsonNode node;
            try {
                node = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw new MessageEditor.NotJsonException(p.message().messageId(), e.getMessage());
            }
            String broken = schemas().violations(node);
            if (broken != null) {
                items.add(p.item().with(ReplayItem.Outcome.REFUSED, "edited message " + broken));
                continue;
            }
            edited.add(new Planned(p.message(), p.destination(), Json.write(node), p.item()));
        }
        return edited;
    }

    private synchronized EventSchemas schemas() {
        if (schemas == null) {
            schemas = new EventSchemas(Definitions.bundledSchemas());
        }
        return schemas;
    }

    /**
     * A message's replays: its {@code SluiceReplayCount}, or for a "Job Submitted" event its job's {@code replays}
     * if higher (the count the job row keeps survives a path that cannot carry a message attribute).
     */
    private static int replayCount(DlqMessage message, FailureReasons reasons) {
        int count = message.replayCountAttribute();
        if (message.isJobSubmitted()) {
            count = Math.max(count, reasons.job(message.job()).map(Job::replays).orElse(0));
        }
        return count;
    }

    /** {@code ratePerSecond} permits a second, one at a time: n sends take at least (n - 1) / rate seconds. */
    static RateLimiter limiter(double ratePerSecond) {
        return RateLimiter.of("dlq-replay", RateLimiterConfig.custom().limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos(Math.max(1, (long) (1_000_000_000L / ratePerSecond))))
                .timeoutDuration(Duration.ofDays(1)).build());
    }

    private List<DlqMessage> read(String url, int limit) {
        List<DlqMessage> read = new ArrayList<>();
        try (HeldMessages held = new HeldMessages(deployment.sqs(), url, LOOK_VISIBILITY_SECONDS)) {
            while (read.size() < limit) {
                List<Message> batch = held.next();
                if (batch.isEmpty()) {
                    break;
                }
                batch.stream().limit(limit - read.size()).forEach(m -> read.add(DlqMessage.of(m)));
            }
        }
        return read;
    }

    private static ReplayReport report(String auditId, int skipped, List<ReplayItem> items) {
        int moved = 0;
        int refused = 0;
        int failed = 0;
        for (ReplayItem item : items) {
            switch (item.outcome()) {
                case MOVED, WOULD_MOVE -> moved++;
                case REFUSED -> refused++;
                case FAILED -> failed++;
            }
        }
        return new ReplayReport(auditId, moved, skipped, refused, failed, items);
    }

    private static Map<String, Long> counts(ReplayReport report) {
        return Map.of("moved", (long) report.moved(), "skipped", (long) report.skipped(), "refused",
                (long) report.refused(), "failed", (long) report.failed());
    }

    private static String pretty(String json) {
        try {
            return Json.writePretty(Json.parse(json));
        } catch (IllegalArgumentException notJson) {
            return json;
        }
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        return Long.parseLong(attributes.getOrDefault(name, "0"));
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
