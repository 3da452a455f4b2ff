package dev.sluice.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything Sluice deploys, declared once: both the CDK app and the local runtime are built
 * from this, so routing and retries are never written twice.
 */
public record Topology(List<String> eventBuses, List<QueueSpec> queues, List<BucketSpec> buckets,
        List<TableSpec> tables, List<FunctionSpec> functions, List<ApiSpec> apis, List<RuleSpec> rules,
        List<StateMachineSpec> stateMachines) {

    /** The bus AWS services (S3 among them) put their events on. */
    public static final String DEFAULT_BUS = "default";

    public Topology {
        eventBuses = List.copyOf(eventBuses);
        queues = List.copyOf(queues);
        buckets = List.copyOf(buckets);
        tables = tables == null ? List.of() : List.copyOf(tables);
        functions = List.copyOf(functions);
        apis = apis == null ? List.of() : List.copyOf(apis);
        rules = List.copyOf(rules);
        stateMachines = List.copyOf(stateMachines);
    }

    /** Every bus, the default one included. */
    public List<String> allEventBuses() {
        List<String> all = new ArrayList<>();
        all.add(DEFAULT_BUS);
        eventBuses.stream().filter(b -> !b.equals(DEFAULT_BUS)).forEach(all::add);
        return all;
    }

    /** Every queue name to create, dead-letter queues included. */
    public List<String> allQueueNames() {
        List<String> names = new ArrayList<>();
        for (QueueSpec q : queues) {
            names.add(q.name());
            if (q.hasDeadLetterQueue()) {
                names.add(q.deadLetterQueueName());
            }
        }
        return names;
    }

    public Optional<QueueSpec> queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    public Optional<FunctionSpec> function(String name) {
        return functions.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public Optional<TableSpec> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<ApiSpec> api(String name) {
        return apis.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<StateMachineSpec> stateMachine(String name) {
        return stateMachines.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
