package dev.sluice.local;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import dev.sluice.core.topology.Use;
import dev.sluice.local.sqs.LocalSqs;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variables each function's handler is constructed with locally, as Lambda would give them on
 * AWS: its declared {@code environment} resolved against the local resources, with the local
 * profile's values; what Lambda itself provides (region, credentials, the function's name, memory
 * and timeout); and the SDK's {@code AWS_ENDPOINT_URL_<SERVICE>} of each local service the
 * function {@code uses}, and of no other. Nothing else: a handler reading anything more fails.
 */
public final class FunctionEnvironments {

    /** What Lambda sets for every function (the local credentials stand in for the execution role's). */
    public static final Set<String> LAMBDA_PROVIDED = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_TIMEOUT");

    /**
     * What the local runtime adds for the CloudWatch agent it plays: the metrics library's own settings,
     * so a function's EMF documents go to the runtime ({@code /metrics}) instead of the console.
     */
    public static final Set<String> METRICS_AGENT = Set.of("AWS_EMF_ENVIRONMENT", "AWS_EMF_AGENT_ENDPOINT");

    /**
     * Where the local services listen. Of Bedrock only batch inference has a local service here
     * ({@code bedrock}, null when none runs); SES and OpenSearch have none: the local profile uses the
     * in-process embedder, the offline chat model, the mail outbox and Lucene instead (Bedrock Runtime is
     * wherever {@link #BEDROCK_ENDPOINT} says).
     */
    public record Services(URI sqs, URI dynamodb, URI events, URI s3, URI stepFunctions, URI lambda,
            Map<String, URI> webSocketManagement, URI metricsAgent, URI bedrock) {

        public Services {
            webSocketManagement = Map.copyOf(webSocketManagement);
        }

        public Services(URI sqs, URI dynamodb, URI events, URI s3, URI stepFunctions, URI lambda,
                Map<String, URI> webSocketManagement, URI metricsAgent) {
            this(sqs, dynamodb, events, s3, stepFunctions, lambda, webSocketManagement, metricsAgent, null);
        }

        /** The SDK endpoint variable and URL of the local service holding resources of {@code kind}, or null. */
        Map.Entry<String, URI> endpoint(ResourceKind kind) {
            return switch (kind) {
                case TABLE -> Map.entry("AWS_ENDPOINT_URL_DYNAMODB", dynamodb);
                case QUEUE -> Map.entry("AWS_ENDPOINT_URL_SQS", sqs);
                case BUS -> Map.entry("AWS_ENDPOINT_URL_EVENTBRIDGE", events);
                case BUCKET -> Map.entry("AWS_ENDPOINT_URL_S3", s3);
                case STATE_MACHINE -> Map.entry("AWS_ENDPOINT_URL_SFN", stepFunctions);
                case FUNCTION -> Map.entry("AWS_ENDPOINT_URL_LAMBDA", lambda);
                case WEB_SOCKET_API, MODEL, SEARCH_INDEX, EMAIL_IDENTITY -> null;
            };
        }
    }

    /**
     * The profile value naming where Bedrock is for the functions that use a model: unset, AWS's own
     * endpoint; {@code sluice up --chat bedrock} sets it from the user's {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}
     * (a double, a proxy). The runtime runs no Bedrock of its own.
     */
    public static final String BEDROCK_ENDPOINT = "bedrockEndpoint";
    /** The access mode of a model use that runs batch inference jobs: the Bedrock control plane's. */
    static final String BATCH_INFERENCE = "batch-inference";

    private final Topology topology;
    private final Profile profile;
    private final AwsIdentity identity;
    private final Path stateDir;
    private final Services services;

    public FunctionEnvironments(Topology topology, Profile profile, AwsIdentity identity, Path stateDir,
            Services services) {
        this.topology = topology;
        this.profile = profile;
        this.identity = identity;
        this.stateDir = stateDir;
        this.services = services;
    }

    /**
     * The local profile of {@code topology} with {@code overrides} applied; an override naming no
     * value of the profile fails, so a misspelt one never goes unnoticed.
     */
    public static Profile localProfile(Topology topology, Map<String, String> overrides) {
        return topology.profile(Profile.LOCAL).orElse(new Profile(Profile.LOCAL, Map.of())).with(overrides);
    }

    public Map<String, String> of(FunctionSpec function) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            env.putAll(profile.resolve(function.environment(), this::resolve));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("function \"" + function.name() + "\": " + e.getMessage(), e);
        }
        for (Use use : function.uses()) {
            Map.Entry<String, URI> endpoint = services.endpoint(use.kind());
            if (endpoint != null) {
                env.put(endpoint.getKey(), endpoint.getValue().toString());
            }
            String bedrock = use.kind() == ResourceKind.MODEL && profile.declares(BEDROCK_ENDPOINT)
                    ? profile.value(BEDROCK_ENDPOINT) : null;
            if (bedrock != null) {
                env.put("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock);
            }
            if (use.kind() == ResourceKind.MODEL && use.allows(BATCH_INFERENCE) && services.bedrock() != null) {
                env.put("AWS_ENDPOINT_URL_BEDROCK", services.bedrock().toString());
            }
        }
        env.put("AWS_REGION", identity.region());
        env.put("AWS_DEFAULT_REGION", identity.region());
        env.put("AWS_ACCESS_KEY_ID", LocalRuntime.CREDENTIALS.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", LocalRuntime.CREDENTIALS.secretAccessKey());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds()));
        env.put("AWS_EMF_ENVIRONMENT", "Agent");
        env.put("AWS_EMF_AGENT_ENDPOINT", services.metricsAgent().toString());
        return Map.copyOf(env);
    }

    private String resolve(Reference r) {
        ResourceKind kind = r.kind().resource();
        if (kind != null && !topology.declares(kind, r.name())) {
            throw new IllegalArgumentException(r + " names no " + kind.key() + " of the topology");
        }
        return switch (r.kind()) {
            case TABLE, QUEUE, BUS, BUCKET, SEARCH_INDEX -> r.name();
            case QUEUE_URL -> LocalSqs.queueUrl(services.sqs(), identity, r.name());
            case MAX_RECEIVE_COUNT -> topology.queue(r.name()).filter(QueueSpec::hasDeadLetterQueue)
                    .map(q -> Integer.toString(q.deadLetter().maxReceiveCount()))
                    .orElseThrow(() -> new IllegalArgumentException(r + ": queue \"" + r.name()
                            + "\" has no dead-letter queue"));
            case STATE_MACHINE -> identity.stateMachineArn(r.name());
            case FUNCTION_ARN -> identity.lambdaArn(r.name());
            case WEB_SOCKET_MANAGEMENT -> services.webSocketManagement().get(r.name()).toString();
            case BATCH_ROLE -> identity.roleArn("bedrock-batch");
            case STATE_DIR -> stateDir.resolve(r.name()).toAbsolutePath().toString();
            case SEARCH_ENDPOINT -> throw new IllegalArgumentException(r + ": the local runtime runs no search"
                    + " service; the local profile keeps its index on disk (vectorIndex lucene)");
            case PROFILE -> throw new IllegalStateException(r + " is resolved by the profile");
        };
    }
}
