package dev.sluice.operations.events;

import dev.sluice.core.topology.RuleSpec;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;
import software.amazon.awssdk.services.eventbridge.model.StartReplayRequest;

/**
 * {@code sluice events replay} against a deployed stack: EventBridge's own {@code StartReplay} from
 * the bus's archive back to the bus, limited to one rule with {@code FilterArns} when a rule is named,
 * then {@code DescribeReplay} until it ends. StartReplay takes a time window and rules, nothing more:
 * a {@code --match} pattern cannot be honoured there, and the command refuses it before calling this.
 * Audited {@code events.replay}.
 */
public final class ArchiveReplayOnAws {

    /** How the stack names what StartReplay needs. */
    public record Arns(String archiveArn, String busArn, Map<String, String> ruleArns) {
    }

    private final Deployment deployment;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration poll;

    public ArchiveReplayOnAws(Deployment deployment, Clock clock, Duration poll) {
        this.deployment = deployment;
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
        this.clock = clock;
        this.poll = poll;
    }

    /**
     * The request a replay of {@code window} makes.
     *
     * @throws IllegalArgumentException the window has a {@code --match} pattern (StartReplay has no filter
     *                                  of events beyond time and rules)
     */
    public static StartReplayRequest request(ReplayWindow window, String replayName, Arns arns,
            List<RuleSpec> topologyRules) {
        if (window.match().text().isPresent()) {
            throw new IllegalArgumentException("--match cannot be honoured on AWS: StartReplay replays by time"
                    + " window and rule only; narrow with --rule and --from/--to, or replay a DLQ with"
                    + " `sluice dlq replay --match`");
        }
        List<String> filters = window.rule() == null ? List.of()
                : List.of(arns.ruleArns().get(window.rules(topologyRules).get(0).name()));
        return StartReplayRequest.builder()
                .replayName(replayName)
                .description("sluice events replay of " + window.bus()
                        + (window.rule() == null ? "" : " to rule " + window.rule()))
                .eventSourceArn(arns.archiveArn())
                .eventStartTime(window.from())
                .eventEndTime(window.to())
                .destination(d -> {
                    d.arn(arns.busArn());
                    if (!filters.isEmpty()) {
                        d.filterArns(filters);
                    }
                })
                .build();
    }

    /**
     * Starts the replay and follows it to its end; {@code progress} hears each DescribeReplay.
     *
     * @return the last DescribeReplay: COMPLETED, FAILED or CANCELLED
     */
    public DescribeReplayResponse replay(ReplayWindow window, Arns arns, String via,
            Consumer<DescribeReplayResponse> progress) throws InterruptedException {
        String name = ArchiveReplay.replayName(clock.instant());
        StartReplayRequest request = request(window, name, arns, deployment.topology().rules());
        Map<String, String> selection = ArchiveReplay.selection(window);
        selection.put("replayName", name);
        AuditRecord started = audit.begin(ArchiveReplay.OPERATION, deployment.principal(), via, "bus:" + window.bus(),
                selection, false);
        DescribeReplayResponse last;
        try {
            deployment.eventBridge().startReplay(request);
            do {
                Thread.sleep(poll.toMillis());
                last = deployment.eventBridge().describeReplay(b -> b.replayName(name));
                progress.accept(last);
            } while (last.state() != ReplayState.COMPLETED && last.state() != ReplayState.FAILED
                    && last.state() != ReplayState.CANCELLED);
        } catch (RuntimeException | InterruptedException e) {
            audit.finish(started, AuditRecord.Outcome.FAILED, Map.of(), e.toString());
            throw e;
        }
        audit.finish(started, last.state() == ReplayState.COMPLETED ? AuditRecord.Outcome.SUCCEEDED
                : AuditRecord.Outcome.FAILED, Map.of(), last.stateReason());
        return last;
    }
}
