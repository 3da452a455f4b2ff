package dev.sluice.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything Sluice deploys, declared once: both the CDK app and the local runtime are built
 * from this, so routing, retries, environments and permissions are never written twice.
 */
public record Topology(List<String> eventBuses, List<QueueSpec> queues, List<BucketSpec> buckets,
        List<TableSpec> tables, List<FunctionSpec> functions, List<ApiSpec> apis, List<RuleSpec> rules,
        List<StateMachineSpec> stateMachines, List<String> searchIndexes, List<String> models,
        List<EmailIdentitySpec> emailIdentities, List<ArtifactSpec> artifacts, List<Profile> profiles) {

    /** The bus AWS services (S3 among them) put their events on. */
    public static final String DEFAULT_BUS = "default";

    public Topology {
        eventBuses = List.copyOf(eventBuses);
        queues = List.copyOf(queues);
        buckets = List.copyOf(buckets);
        tables = orEmpty(tables);
        functions = List.copyOf(functions);
        apis = orEmpty(apis);
        rules = List.copyOf(rules);
        stateMachines = List.copyOf(stateMachines);
        searchIndexes = orEmpty(searchIndexes);
        models = orEmpty(models);
        emailIdentities = orEmpty(emailIdentities);
        artifacts = orEmpty(artifacts);
        profiles = orEmpty(profiles);
    }

    /** A topology without profiles, artifacts or the resources only functions' uses name (tests build such). */
    public Topology(List<String> eventBuses, List<QueueSpec> queues, List<BucketSpec> buckets, List<TableSpec> tables,
            List<FunctionSpec> functions, List<ApiSpec> apis, List<RuleSpec> rules,
            List<StateMachineSpec> stateMachines) {
        this(eventBuses, queues, buckets, tables, functions, apis, rules, stateMachines, List.of(), List.of(),
                List.of(), List.of(), List.of());
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    public Topology withQueues(List<QueueSpec> otherQueues) {
        return new Topology(eventBuses, otherQueues, buckets, tables, functions, apis, rules, stateMachines,
                searchIndexes, models, emailIdentities, artifacts, profiles);
    }

    public Topology withApis(List<ApiSpec> otherApis) {
        return new Topology(eventBuses, queues, buckets, tables, functions, otherApis, rules, stateMachines,
                searchIndexes, models, emailIdentities, artifacts, profiles);
    }

    public Topology withFunctions(List<FunctionSpec> otherFunctions) {
        return new Topology(eventBuses, queues, buckets, tables, otherFunctions, apis, rules, stateMachines,
                searchIndexes, models, emailIdentities, artifacts, profiles);
    }

    public Topology withStateMachines(List<StateMachineSpec> otherStateMachines) {
        return new Topology(eventBuses, queues, buckets, tables, functions, apis, rules, otherStateMachines,
                searchIndexes, models, emailIdentities, artifacts, profiles);
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

    public Optional<ArtifactSpec> artifact(String name) {
        return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<Profile> profile(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Whether a resource of this kind and name is declared: what a function's uses may name. */
    public boolean declares(ResourceKind kind, String name) {
        return switch (kind) {
            case TABLE -> table(name).isPresent();
            case QUEUE -> allQueueNames().contains(name);
            case BUS -> allEventBuses().contains(name);
            case BUCKET -> buckets.stream().anyMatch(b -> b.name().equals(name));
            case STATE_MACHINE -> stateMachine(name).isPresent();
            case WEB_SOCKET_API -> api(name).filter(a -> a.protocol() == ApiSpec.Protocol.WEBSOCKET).isPresent();
            case MODEL -> models.contains(name);
            case SEARCH_INDEX -> searchIndexes.contains(name);
            case EMAIL_IDENTITY -> emailIdentities.stream().anyMatch(e -> e.name().equals(name));
            case FUNCTION -> function(name).isPresent();
        };
    }
}
