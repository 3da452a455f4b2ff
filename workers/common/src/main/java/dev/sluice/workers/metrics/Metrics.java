package dev.sluice.workers.metrics;

import dev.sluice.core.aws.FunctionEnvironment;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.cloudwatchlogs.emf.config.Configuration;
import software.amazon.cloudwatchlogs.emf.environment.DefaultEnvironment;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;

/**
 * Sluice's CloudWatch metrics, as Powertools' Metrics would write them (it cannot be had here):
 * embedded metric format documents in namespace {@value #NAMESPACE}, written with AWS's
 * aws-embedded-metrics library. A handler builds one in its constructor and opens a
 * {@link MetricsScope} per invocation or per record.
 *
 * <p>Where the documents go is the function's environment's choice, read with the library's own
 * variables but per function, never the library's process-wide configuration (the local runtime runs
 * every function, and tests several runtimes, in one JVM):
 * <ul>
 * <li>by default the library's Lambda environment: one JSON line per document on stdout, which
 * CloudWatch Logs turns into metrics;</li>
 * <li>with {@code AWS_EMF_ENVIRONMENT=Agent} its agent environment: lines over TCP or UDP to the
 * CloudWatch agent at {@code AWS_EMF_AGENT_ENDPOINT}, the part the local runtime plays. Service name
 * and log group are the function's ({@code AWS_EMF_SERVICE_NAME} / {@code AWS_EMF_LOG_GROUP_NAME}
 * override them).</li>
 * </ul>
 */
public final class Metrics {

    public static final String NAMESPACE = "Sluice";

    static final String ENVIRONMENT = "AWS_EMF_ENVIRONMENT";
    static final String AGENT_ENDPOINT = "AWS_EMF_AGENT_ENDPOINT";
    static final String SERVICE_NAME = "AWS_EMF_SERVICE_NAME";
    static final String LOG_GROUP_NAME = "AWS_EMF_LOG_GROUP_NAME";
    private static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";

    /**
     * One agent environment per endpoint and function, shared by the function's execution
     * environments: each holds a socket and a sender thread, which the library never stops.
     */
    private static final Map<String, Environment> AGENTS = new ConcurrentHashMap<>();

    private final Environment environment;

    /** Writes through {@code environment}'s sink; tests give one that keeps what it is given. */
    public Metrics(Environment environment) {
        this.environment = environment;
    }

    /** The metrics of the function being constructed (a handler's no-argument constructor). */
    public static Metrics fromEnvironment() {
        return from(FunctionEnvironment.current());
    }

    /**
     * Metrics sent to a CloudWatch agent at {@code endpoint} ({@code tcp://host:port}) as {@code service}: how
     * a command outside Lambda reaches the local runtime, which plays the agent.
     */
    public static Metrics toAgent(URI endpoint, String service) {
        return from(Map.of(ENVIRONMENT, Environments.Agent.name(), AGENT_ENDPOINT, endpoint.toString(),
                SERVICE_NAME, service, LOG_GROUP_NAME, "/sluice/" + service));
    }

    static Metrics from(Map<String, String> env) {
        String override = env.get(ENVIRONMENT);
        if (override == null || override.isBlank() || override.equalsIgnoreCase(Environments.Lambda.name())) {
            return new Metrics(new LambdaEnvironment());
        }
        if (!override.equalsIgnoreCase(Environments.Agent.name())) {
            throw new IllegalStateException(ENVIRONMENT + " must be Lambda or Agent, not \"" + override + "\"");
        }
        String endpoint = env.get(AGENT_ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalStateException(ENVIRONMENT + " is Agent but " + AGENT_ENDPOINT + " is not set");
        }
        String function = env.getOrDefault(FUNCTION_NAME, "sluice");
        String service = env.getOrDefault(SERVICE_NAME, function);
        String logGroup = env.getOrDefault(LOG_GROUP_NAME, "/aws/lambda/" + function);
        return new Metrics(AGENTS.computeIfAbsent(endpoint + " " + service + " " + logGroup, k -> {
            Configuration config = new Configuration();
            config.setEnvironmentOverride(Environments.Agent);
            config.setAgentEndpoint(endpoint);
            config.setServiceName(service);
            config.setServiceType("AWS::Lambda::Function");
            config.setLogGroupName(logGroup);
            return new DefaultEnvironment(config);
        }));
    }

    /** The metrics of one invocation or record; close it in a finally (try-with-resources). */
    public MetricsScope scope() {
        return new MetricsScope(environment);
    }

    /** What an operator's replay of a dead-letter queue sent back: {@code count} messages to {@code queue}'s work. */
    public void dlqReplayed(String queue, int count) {
        try (MetricsScope scope = scope()) {
            scope.put(Metric.DLQ_REPLAYED, count, queue);
        }
    }
}
