package dev.sluice.workers.jobevents;

import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * The queues a job's "Job Submitted" event lands in, found by the bus's own rules matched with Event
 * Ruler, as EventBridge matches them. The sweeper asks it whether a lane may still hold a job's
 * message; an operator's retry sends the event to these queues only, never to the bus.
 */
public final class JobRoutes {

    private final Machine machine = Machine.builder().build();
    private final Map<String, List<QueueSpec>> queuesByRule = new HashMap<>();

    /** Every rule of {@code topology} with a queue target is read: only the job bus's match a "Job Submitted" event. */
    public JobRoutes(Topology topology) {
        for (RuleSpec rule : topology.rules()) {
            List<QueueSpec> queues = rule.targets().stream().filter(t -> t.kind() == TargetSpec.Kind.SQS)
                    .map(t -> topology.queue(t.resource()).orElseThrow()).toList();
            if (queues.isEmpty()) {
                continue;
            }
            try {
                machine.addRule(rule.name(), rule.eventPattern());
            } catch (IOException e) {
                throw new UncheckedIOException("rule " + rule.name(), e);
            }
            queuesByRule.put(rule.name(), queues);
        }
    }

    /** The queues the job's "Job Submitted" event is routed to. */
    public List<QueueSpec> of(Job job) {
        List<QueueSpec> lanes = new ArrayList<>();
        try {
            machine.rulesForJSONEvent(Json.write(JobEvents.submittedEvent(job)))
                    .forEach(rule -> lanes.addAll(queuesByRule.get(rule)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot match job " + job.jobId() + " against the rules", e);
        }
        return lanes;
    }
}
