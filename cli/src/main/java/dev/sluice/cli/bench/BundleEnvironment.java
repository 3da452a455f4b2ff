package dev.sluice.cli.bench;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.Topology;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's environment as Lambda would give it in a deployed profile ({@code dev} by default),
 * with every resource resolved to a well-formed name, URL or ARN that answers nowhere: handlers
 * are built, never called, and every SDK endpoint points at a closed port of this machine
 * ({@code AWS_ENDPOINT_URL}), so a call made by mistake fails at once instead of leaving it.
 */
public final class BundleEnvironment {

    public static final String DEPLOYED_PROFILE = "dev";
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";
    /** The discard port: nothing listens there. */
    public static final String NOWHERE = "127.0.0.1:9";

    private final Topology topology;
    private final Profile profile;
    private final String endpoint;

    public BundleEnvironment(Topology topology, String profile) {
        this(topology, profile, NOWHERE);
    }

    /** @param endpoint {@code host:port} that every endpoint and URL of the environment names, in place of {@link #NOWHERE} */
    public BundleEnvironment(Topology topology, String profile, String endpoint) {
        this.topology = topology;
        this.profile = topology.profile(profile).orElseThrow(() -> new IllegalArgumentException("no profile "
                + profile));
        this.endpoint = endpoint;
    }

    public Map<String, String> of(FunctionSpec function) {
        Map<String, String> env = new LinkedHashMap<>(profile.resolve(function.environment(), this::resolve));
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", "AKIDBUNDLECHECK");
        env.put("AWS_SECRET_ACCESS_KEY", "bundle-check-secret");
        env.put("AWS_SESSION_TOKEN", "bundle-check-token");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds()));
        env.put("AWS_ENDPOINT_URL", "http://" + endpoint);
        return env;
    }

    private String resolve(Reference r) {
        return switch (r.kind()) {
            case TABLE, QUEUE, BUS, BUCKET, SEARCH_INDEX -> r.name();
            case QUEUE_URL -> "http://" + endpoint + "/" + ACCOUNT + "/" + r.name();
            case MAX_RECEIVE_COUNT -> topology.queue(r.name()).filter(QueueSpec::hasDeadLetterQueue)
                    .map(q -> Integer.toString(q.deadLetter().maxReceiveCount())).orElseThrow();
            case STATE_MACHINE -> "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + r.name();
            case FUNCTION_ARN -> "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + r.name() + ":live";
            case WEB_SOCKET_MANAGEMENT -> "http://" + endpoint + "/" + r.name();
            case SEARCH_ENDPOINT -> "http://" + endpoint;
            case BATCH_ROLE -> "arn:aws:iam::" + ACCOUNT + ":role/bedrock-batch";
            case STATE_DIR -> throw new IllegalArgumentException(r + ": a deployed profile has no state directory");
            case PROFILE -> throw new IllegalStateException(r + " is resolved by the profile");
        };
    }
}
