package dev.sluice.core.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * Reads the definitions — {@code topology.json}, {@code events/rules/}, {@code statemachines/},
 * {@code schemas/} — checks every one, and builds the {@link Topology}. Any problem stops the
 * load with a {@link DefinitionException} naming the file.
 *
 * <p>The repo's definitions travel inside the core jar under {@code sluice/}; {@link #bundled()}
 * reads those, {@link #load(Path)} a directory laid out the same way.
 */
public final class Definitions {

    public static final String TOPOLOGY_FILE = "topology.json";
    private static final String BUNDLED_ROOT = "/sluice/";
    private static final String STATE_MACHINE_SUFFIX = ".asl.json";

    private final Path root;
    private final UnaryOperator<String> displayName;
    private final Schemas schemas;
    private final Topology topology;
    private final Map<String, DeploymentSpec> deployments;

    private Definitions(Path root, UnaryOperator<String> displayName) {
        this.root = root;
        this.displayName = displayName;
        this.schemas = Schemas.load(root.resolve("schemas"), displayName.apply("schemas/"));
        for (String required : List.of("definitions/topology", "definitions/rule")) {
            if (!schemas.names().contains(required)) {
                throw new DefinitionException(displayName.apply("schemas/" + required + ".schema.json"),
                        "is missing; the definitions cannot be checked without it");
            }
        }
        TopologyFile file = readTopologyFile();
        this.topology = readTopology(file);
        this.deployments = file.deployments() == null ? Map.of() : Map.copyOf(file.deployments());
        checkDeployments();
    }

    /** The definitions shipped in this build, with errors named by their path in the repo. */
    public static Definitions bundled() {
        return new Definitions(bundledRoot(), rel -> rel.equals(TOPOLOGY_FILE)
                ? "core/src/main/resources/sluice/" + TOPOLOGY_FILE : rel);
    }

    /**
     * Only the bundled schemas: what a Lambda handler needs to validate input, without reading and
     * checking the whole topology on every cold start.
     */
    public static Schemas bundledSchemas() {
        return Schemas.load(bundledRoot().resolve("schemas"), "schemas/");
    }

    /**
     * Definitions laid out under {@code root} as in the bundle: a user's edits, so every schema is
     * compiled now and a broken one stops the load naming its file (the bundled ones compile as used).
     */
    public static Definitions load(Path root) {
        Definitions definitions = new Definitions(root, rel -> root.resolve(rel).toString());
        definitions.schemas.compileAll();
        return definitions;
    }

    /**
     * Writes the bundled definitions to {@code target}, laid out as {@link #load(Path)} reads them:
     * the starting point for running edited definitions without rebuilding.
     */
    public static void exportBundled(Path target) throws IOException {
        Path from = bundledRoot();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = target.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }

    public Topology topology() {
        return topology;
    }

    public Schemas schemas() {
        return schemas;
    }

    /** The sample events under {@code events/samples/}, by file name. */
    public Map<String, JsonNode> sampleEvents() {
        Map<String, JsonNode> samples = new java.util.TreeMap<>();
        for (Path file : list(root.resolve("events/samples"), ".json")) {
            samples.put(file.getFileName().toString(), parse(file, "events/samples/" + file.getFileName()));
        }
        return samples;
    }

    private TopologyFile readTopologyFile() {
        String topologyName = displayName.apply(TOPOLOGY_FILE);
        JsonNode node = parse(root.resolve(TOPOLOGY_FILE), TOPOLOGY_FILE);
        requireValid("definitions/topology", node, topologyName);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("$comment");
        return bind(node, TopologyFile.class, topologyName);
    }

    private Topology readTopology(TopologyFile file) {
        String topologyName = displayName.apply(TOPOLOGY_FILE);
        List<StateMachineSpec> stateMachines = readStateMachines();
        List<RuleSpec> rules = readRules();
        Topology topology = new Topology(file.eventBuses(), file.queues(), file.buckets(), file.tables(),
                file.functions(), file.apis(), rules, stateMachines, file.searchIndexes(), file.models(),
                file.emailIdentities(), file.artifacts(), profiles(file.profiles()));
        new TopologyChecks(topology, topologyName, displayName).run();
        return topology;
    }

    private List<RuleSpec> readRules() {
        List<RuleSpec> rules = new ArrayList<>();
        for (Path path : list(root.resolve("events/rules"), ".json")) {
            String rel = "events/rules/" + path.getFileName();
            String name = displayName.apply(rel);
            JsonNode node = parse(path, rel);
            requireValid("definitions/rule", node, name);
            String ruleName = node.get("name").asText();
            if (!path.getFileName().toString().equals(ruleName + ".json")) {
                throw new DefinitionException(name, "rule \"" + ruleName + "\" must live in " + ruleName + ".json");
            }
            String pattern = Json.write(node.get("eventPattern"));
            String patternProblem = checkPattern(pattern);
            if (patternProblem != null) {
                throw new DefinitionException(name, "eventPattern is not a valid EventBridge pattern: " + patternProblem);
            }
            List<TargetSpec> targets = new ArrayList<>();
            for (JsonNode t : node.get("targets")) {
                targets.add(target(t));
            }
            rules.add(new RuleSpec(ruleName, node.get("eventBus").asText(), node.path("description").asText(""),
                    pattern, targets));
        }
        return rules;
    }

    private static String checkPattern(String pattern) {
        try {
            return JsonRuleCompiler.check(pattern);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static TargetSpec target(JsonNode t) {
        TargetSpec.Kind kind;
        String resource;
        if (t.has("sqs")) {
            kind = TargetSpec.Kind.SQS;
            resource = t.get("sqs").asText();
        } else if (t.has("lambda")) {
            kind = TargetSpec.Kind.LAMBDA;
            resource = t.get("lambda").asText();
        } else {
            kind = TargetSpec.Kind.STATE_MACHINE;
            resource = t.get("stateMachine").asText();
        }
        JsonNode retry = t.path("retryPolicy");
        TargetSpec.RetryPolicy policy = retry.isMissingNode() ? TargetSpec.RetryPolicy.AWS_DEFAULT
                : new TargetSpec.RetryPolicy(
                        retry.path("maximumRetryAttempts").asInt(TargetSpec.RetryPolicy.AWS_DEFAULT.maximumRetryAttempts()),
                        retry.path("maximumEventAgeSeconds").asInt(TargetSpec.RetryPolicy.AWS_DEFAULT.maximumEventAgeSeconds()));
        return new TargetSpec(t.get("id").asText(), kind, resource, policy, t.get("deadLetterQueue").asText());
    }

    private List<StateMachineSpec> readStateMachines() {
        List<StateMachineSpec> machines = new ArrayList<>();
        for (Path path : list(root.resolve("statemachines"), STATE_MACHINE_SUFFIX)) {
            String rel = "statemachines/" + path.getFileName();
            JsonNode node = parse(path, rel);
            if (!node.path("StartAt").isTextual() || !node.path("States").isObject()) {
                throw new DefinitionException(displayName.apply(rel), "an ASL definition needs \"StartAt\" and \"States\"");
            }
            String file = path.getFileName().toString();
            machines.add(new StateMachineSpec(file.substring(0, file.length() - STATE_MACHINE_SUFFIX.length()),
                    Json.write(node)));
        }
        return machines;
    }

    private void requireValid(String schema, JsonNode node, String name) {
        List<Violation> violations = schemas.validate(schema, node);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            throw new DefinitionException(name, (first.field().isEmpty() ? "" : first.field() + ": ") + first.message());
        }
    }

    private static <T> T bind(JsonNode node, Class<T> type, String name) {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new DefinitionException(name, e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(Path path, String rel) {
        try {
            return Json.parse(Files.readString(path));
        } catch (IOException e) {
            throw new DefinitionException(displayName.apply(rel), "cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new DefinitionException(displayName.apply(rel), e.getMessage(), e);
        }
    }

    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path bundledRoot() {
        URL url = Definitions.class.getResource(BUNDLED_ROOT + TOPOLOGY_FILE);
        if (url == null) {
            throw new IllegalStateException("the build holds no " + BUNDLED_ROOT + TOPOLOGY_FILE);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try {
                    FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException alreadyOpen) {
                    // another caller opened the jar first; the lookup below finds it
                }
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot open the bundled definitions at " + url, e);
        }
    }

    /** Profile values as the environment takes them: text, numbers written out, null for "not set". */
    private static List<Profile> profiles(Map<String, Map<String, JsonNode>> declared) {
        List<Profile> profiles = new ArrayList<>();
        if (declared != null) {
            declared.forEach((name, values) -> {
                Map<String, String> text = new java.util.LinkedHashMap<>();
                values.forEach((k, v) -> text.put(k, v == null || v.isNull() ? null : v.asText()));
                profiles.add(new Profile(name, text));
            });
        }
        return profiles;
    }

    /** The shape of {@code topology.json}; rules and state machines come from their own files. */
    private record TopologyFile(List<String> eventBuses, List<QueueSpec> queues, List<BucketSpec> buckets,
            List<TableSpec> tables, List<String> searchIndexes, List<String> models,
            List<EmailIdentitySpec> emailIdentities, List<ArtifactSpec> artifacts, List<FunctionSpec> functions,
            List<ApiSpec> apis, Map<String, Map<String, JsonNode>> profiles,
            Map<String, DeploymentSpec> deployments) {
    }

    /**
     * Every deployed stage has a deployment and a profile, the local one has no deployment, memory is
     * set for functions that exist, and the vector store is the one the profile's functions sign for.
     */
    private void checkDeployments() {
        String topologyName = displayName.apply(TOPOLOGY_FILE);
        for (Profile profile : topology.profiles()) {
            if (!profile.name().equals(Profile.LOCAL) && !deployments.containsKey(profile.name())) {
                throw new DefinitionException(topologyName, "profile \"" + profile.name()
                        + "\" has no deployment: add deployments." + profile.name());
            }
        }
        deployments.forEach((stage, deployment) -> {
            String where = "deployments." + stage;
            Profile profile = topology.profile(stage).orElseThrow(() -> new DefinitionException(topologyName,
                    where + ": there is no profile \"" + stage + "\" to deploy"));
            if (stage.equals(Profile.LOCAL)) {
                throw new DefinitionException(topologyName, where + ": the local profile runs on the machine, not on AWS");
            }
            deployment.memoryMb().keySet().forEach(function -> {
                if (topology.function(function).isEmpty()) {
                    throw new DefinitionException(topologyName, where + ".memoryMb: there is no function \""
                            + function + "\"");
                }
            });
            String service = profile.value("openSearchService");
            if (service != null && !service.equals(deployment.vectorStore().service())) {
                throw new DefinitionException(topologyName, where + ".vectorStore: a "
                        + deployment.vectorStore().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                        + " is signed for as \"" + deployment.vectorStore().service() + "\", but profile \"" + stage
                        + "\" gives openSearchService \"" + service + "\"");
            }
        });
    }

    /** The deployment of a stage the CDK app synthesizes. */
    public DeploymentSpec deployment(String stage) {
        DeploymentSpec deployment = deployments.get(stage);
        if (deployment == null) {
            throw new DefinitionException(displayName.apply(TOPOLOGY_FILE), "no deployment \"" + stage
                    + "\"; the deployed stages are " + new java.util.TreeSet<>(deployments.keySet()));
        }
        return deployment;
    }

    /** The stages that deploy to AWS, in the order the topology declares them. */
    public List<String> deployedStages() {
        return topology.profiles().stream().map(Profile::name).filter(deployments::containsKey).toList();
    }

    /** Where a definition file is, as problems name it. */
    public String displayName(String relative) {
        return displayName.apply(relative);
    }

    /** Cross-file rules no schema can express: names resolve, limits agree with AWS's. */
    private record TopologyChecks(Topology topology, String topologyName, UnaryOperator<String> displayName) {

        void run() {
            Set<String> queueNames = new HashSet<>();
            for (String q : topology.allQueueNames()) {
                if (!queueNames.add(q)) {
                    throw new DefinitionException(topologyName, "queue name \"" + q + "\" is declared twice");
                }
            }
            for (QueueSpec q : topology.queues()) {
                if (q.hasDeadLetterQueue() && q.deadLetter().retentionSeconds() < q.retentionSeconds()) {
                    throw new DefinitionException(topologyName, "queue \"" + q.name()
                            + "\": its DLQ must keep messages at least as long as the queue ("
                            + q.deadLetter().retentionSeconds() + " s < " + q.retentionSeconds() + " s)");
                }
            }
            unique(topology.functions().stream().map(FunctionSpec::name).toList(), "function");
            unique(topology.buckets().stream().map(BucketSpec::name).toList(), "bucket");
            unique(topology.tables().stream().map(TableSpec::name).toList(), "table");
            unique(topology.apis().stream().map(ApiSpec::name).toList(), "api");
            for (ApiSpec api : topology.apis()) {
                if (topology.function(api.function()).isEmpty()) {
                    throw new DefinitionException(topologyName, "api \"" + api.name() + "\" integrates unknown function \""
                            + api.function() + "\"");
                }
                checkAccess(api);
            }
            unique(topology.allEventBuses(), "event bus");
            for (FunctionSpec f : topology.functions()) {
                if (f.sqsTrigger() == null) {
                    continue;
                }
                QueueSpec q = topology.queue(f.sqsTrigger().queue()).orElseThrow(() -> new DefinitionException(
                        topologyName, "function \"" + f.name() + "\" is triggered by unknown queue \""
                                + f.sqsTrigger().queue() + "\""));
                // AWS refuses an event source mapping whose function outlives the queue's visibility timeout.
                if (f.timeoutSeconds() > q.visibilityTimeoutSeconds()) {
                    throw new DefinitionException(topologyName, "function \"" + f.name() + "\" times out after "
                            + f.timeoutSeconds() + " s, longer than the visibility timeout of queue \"" + q.name()
                            + "\" (" + q.visibilityTimeoutSeconds() + " s)");
                }
            }
            for (FunctionSpec f : topology.functions()) {
                if (f.onFailure() != null && !queueNames.contains(f.onFailure().queue())) {
                    throw new DefinitionException(topologyName, "function \"" + f.name()
                            + "\": on-failure destination \"" + f.onFailure().queue()
                            + "\" is not a queue of the topology");
                }
            }
            for (StateMachineSpec machine : topology.stateMachines()) {
                for (String function : machine.functionReferences()) {
                    if (topology.function(function).isEmpty()) {
                        throw new DefinitionException(displayName.apply("statemachines/" + machine.name()
                                + STATE_MACHINE_SUFFIX), "${" + function + "} names no function in the topology");
                    }
                }
            }
            Set<String> ruleKeys = new HashSet<>();
            for (RuleSpec rule : topology.rules()) {
                String name = displayName.apply("events/rules/" + rule.name() + ".json");
                if (!ruleKeys.add(rule.eventBus() + "/" + rule.name())) {
                    throw new DefinitionException(name, "rule \"" + rule.name() + "\" is declared twice");
                }
                if (!topology.allEventBuses().contains(rule.eventBus())) {
                    throw new DefinitionException(name, "event bus \"" + rule.eventBus() + "\" is not in the topology");
                }
                Set<String> ids = new HashSet<>();
                for (TargetSpec t : rule.targets()) {
                    if (!ids.add(t.id())) {
                        throw new DefinitionException(name, "target id \"" + t.id() + "\" is used twice");
                    }
                    boolean known = switch (t.kind()) {
                        case SQS -> queueNames.contains(t.resource());
                        case LAMBDA -> topology.function(t.resource()).isPresent();
                        case STATE_MACHINE -> topology.stateMachine(t.resource()).isPresent();
                    };
                    if (!known) {
                        throw new DefinitionException(name, "target \"" + t.id() + "\": no " + t.kind().name()
                                .toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " named \"" + t.resource()
                                + "\" in the topology");
                    }
                    if (!queueNames.contains(t.deadLetterQueue())) {
                        throw new DefinitionException(name, "target \"" + t.id() + "\": dead-letter queue \""
                                + t.deadLetterQueue() + "\" is not in the topology");
                    }
                }
            }
            new FunctionChecks(topology, topologyName).run();
        }

        /** The authorizer, usage plans and gateway responses of an API, held to what API Gateway accepts. */
        private void checkAccess(ApiSpec api) {
            String where = "api \"" + api.name() + "\": ";
            boolean webSocket = api.protocol() == ApiSpec.Protocol.WEBSOCKET;
            AuthorizerSpec authorizer = api.authorizer();
            if (authorizer != null) {
                if (topology.function(authorizer.function()).isEmpty()) {
                    throw new DefinitionException(topologyName, where + "the authorizer names unknown function \""
                            + authorizer.function() + "\"");
                }
                String prefix = webSocket ? "route" : "method";
                for (AuthorizerSpec.IdentitySource source : authorizer.sources()) {
                    if (!source.prefix().equals(prefix)) {
                        throw new DefinitionException(topologyName, where + "an identity source of a " + api.protocol()
                                + " API starts with " + prefix + ".request., not " + source.prefix() + ".request.");
                    }
                }
                if (webSocket && authorizer.authorizerResultTtlInSeconds() > 0) {
                    throw new DefinitionException(topologyName, where + "API Gateway does not cache a WebSocket API's"
                            + " authorizer (it runs once per connection): authorizerResultTtlInSeconds must be 0");
                }
                if (authorizer.authorizerResultTtlInSeconds() > 0 && authorizer.identitySource().isEmpty()) {
                    throw new DefinitionException(topologyName, where + "a cached authorizer needs an identity source:"
                            + " its values are the cache key");
                }
            }
            if (webSocket && !(api.usagePlans().isEmpty() && api.gatewayResponses().isEmpty())) {
                throw new DefinitionException(topologyName, where + "API Gateway has no usage plans and no gateway"
                        + " responses for WebSocket APIs");
            }
            if (!api.usagePlans().isEmpty()) {
                if (authorizer == null) {
                    throw new DefinitionException(topologyName, where + "usage plans need an authorizer: its"
                            + " usageIdentifierKey names the caller's API key");
                }
                unique(api.usagePlans().stream().map(UsagePlanSpec::name).toList(), where + "usage plan");
                if (api.usagePlan(UsagePlanSpec.DEFAULT).isEmpty()) {
                    throw new DefinitionException(topologyName, where + "no usage plan is named \""
                            + UsagePlanSpec.DEFAULT + "\", the plan a key gets unless it names another");
                }
            }
            unique(api.gatewayResponses().stream().map(r -> r.responseType().name()).toList(),
                    where + "gateway response type");
        }

        private void unique(List<String> names, String what) {
            Set<String> seen = new HashSet<>();
            for (String n : names) {
                if (!seen.add(n)) {
                    throw new DefinitionException(topologyName, what + " name \"" + n + "\" is declared twice");
                }
            }
        }
    }
}
