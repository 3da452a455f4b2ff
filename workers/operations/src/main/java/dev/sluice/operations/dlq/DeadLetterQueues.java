package dev.sluice.operations.dlq;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.operations.deployment.UnknownResourceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every dead-letter queue the topology declares, found from what dead-letters where: each work
 * queue's {@code <name>-dlq}, the queues rule targets name as {@code deadLetterQueue}, and the
 * queues functions name as {@code onFailure}. Nothing is listed by hand, so a new lane's DLQ is
 * listed and replayable the day it is declared.
 */
public final class DeadLetterQueues {

    private final Map<String, DeadLetterQueue> byName;

    private DeadLetterQueues(Map<String, DeadLetterQueue> byName) {
        this.byName = byName;
    }

    public static DeadLetterQueues of(Topology topology) {
        Map<String, DeadLetterQueue> found = new LinkedHashMap<>();
        for (QueueSpec queue : topology.queues()) {
            if (queue.hasDeadLetterQueue()) {
                found.put(queue.deadLetterQueueName(), new DeadLetterQueue(queue.deadLetterQueueName(),
                        DeadLetterQueue.Kind.QUEUE, List.of(queue.name())));
            }
        }
        Map<String, List<String>> rulesByDlq = new LinkedHashMap<>();
        for (RuleSpec rule : topology.rules()) {
            for (TargetSpec target : rule.targets()) {
                if (target.deadLetterQueue() != null) {
                    List<String> rules = rulesByDlq.computeIfAbsent(target.deadLetterQueue(), k -> new ArrayList<>());
                    if (!rules.contains(rule.name())) {
                        rules.add(rule.name());
                    }
                }
            }
        }
        rulesByDlq.forEach((dlq, rules) -> found.put(dlq, new DeadLetterQueue(dlq, DeadLetterQueue.Kind.EVENT_TARGET,
                rules)));
        Map<String, List<String>> functionsByDlq = new LinkedHashMap<>();
        for (FunctionSpec function : topology.functions()) {
            if (function.onFailure() != null) {
                functionsByDlq.computeIfAbsent(function.onFailure().queue(), k -> new ArrayList<>()).add(function.name());
            }
        }
        functionsByDlq.forEach((dlq, functions) -> found.put(dlq, new DeadLetterQueue(dlq,
                DeadLetterQueue.Kind.ON_FAILURE, functions)));
        return new DeadLetterQueues(found);
    }

    public List<DeadLetterQueue> all() {
        return List.copyOf(byName.values());
    }

    public Optional<DeadLetterQueue> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** @throws UnknownResourceException naming the DLQs there are */
    public DeadLetterQueue get(String name) {
        return find(name).orElseThrow(() -> new UnknownResourceException("dead-letter queue", name, byName.keySet()));
    }
}
