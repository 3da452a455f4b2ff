package dev.sluice.core.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code ${kind:name}} in a function's environment (or a profile value): what each runtime
 * replaces with its own value, the local runtime with its local resources, the CDK app with the
 * deployed ones.
 */
public record Reference(Kind kind, String name) {

    /** Each kind of reference, and the kind of resource it names (none for profile and stateDir). */
    public enum Kind {
        /** A table's name. */
        TABLE("table", ResourceKind.TABLE),
        /** A queue's name (dead-letter queues included). */
        QUEUE("queue", ResourceKind.QUEUE),
        QUEUE_URL("queueUrl", ResourceKind.QUEUE),
        /** The maxReceiveCount of a queue's redrive policy: the receive on which a failure is its last. */
        MAX_RECEIVE_COUNT("maxReceiveCount", ResourceKind.QUEUE),
        BUS("bus", ResourceKind.BUS),
        BUCKET("bucket", ResourceKind.BUCKET),
        /** A state machine's ARN. */
        STATE_MACHINE("stateMachine", ResourceKind.STATE_MACHINE),
        /** The {@code @connections} endpoint URL of a WebSocket API's stage. */
        WEB_SOCKET_MANAGEMENT("webSocketManagement", ResourceKind.WEB_SOCKET_API),
        /** What to invoke a function by: on AWS its alias's ARN, locally its name. */
        FUNCTION_ARN("functionArn", ResourceKind.FUNCTION),
        /** A search index's name. */
        SEARCH_INDEX("searchIndex", ResourceKind.SEARCH_INDEX),
        /** The endpoint of the search service that holds an index. */
        SEARCH_ENDPOINT("searchEndpoint", ResourceKind.SEARCH_INDEX),
        /**
         * The ARN of the service role Bedrock assumes to run batch inference jobs of a model (reading
         * their input and writing their output): what a function passes to CreateModelInvocationJob.
         */
        BATCH_ROLE("batchRole", ResourceKind.MODEL),
        /** A value of the profile being deployed or run. */
        PROFILE("profile", null),
        /** A path under the local runtime's state directory: for the local profile's values only. */
        STATE_DIR("stateDir", null);

        private final String key;
        private final ResourceKind resource;

        Kind(String key, ResourceKind resource) {
            this.key = key;
            this.resource = resource;
        }

        public String key() {
            return key;
        }

        /** The kind of resource this reference names, or null for profile values and state paths. */
        public ResourceKind resource() {
            return resource;
        }
    }

    private static final Pattern ANY = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern REFERENCE = Pattern.compile("([A-Za-z]+):(.+)");

    /** Every reference in {@code text}, in order; IllegalArgumentException for one of no known kind. */
    public static List<Reference> in(String text) {
        List<Reference> found = new ArrayList<>();
        Matcher m = ANY.matcher(text);
        while (m.find()) {
            found.add(parse(m.group(1)));
        }
        return found;
    }

    /** {@code text} with every reference replaced by {@code value.apply(reference)}. */
    public static String substitute(String text, Function<Reference, String> value) {
        return ANY.matcher(text).replaceAll(m -> Matcher.quoteReplacement(value.apply(parse(m.group(1)))));
    }

    /** The reference {@code text} consists of, if it is exactly one. */
    public static java.util.Optional<Reference> whole(String text) {
        Matcher m = ANY.matcher(text);
        return m.matches() ? java.util.Optional.of(parse(m.group(1))) : java.util.Optional.empty();
    }

    private static Reference parse(String inner) {
        Matcher m = REFERENCE.matcher(inner);
        if (!m.matches()) {
            throw new IllegalArgumentException("${" + inner + "} is not a ${kind:name} reference");
        }
        return Arrays.stream(Kind.values()).filter(k -> k.key.equals(m.group(1))).findFirst()
                .map(k -> new Reference(k, m.group(2)))
                .orElseThrow(() -> new IllegalArgumentException("${" + inner + "}: no reference kind \"" + m.group(1)
                        + "\"; one of " + Arrays.stream(Kind.values()).map(Kind::key)
                        .collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return "${" + kind.key + ":" + name + "}";
    }
}
