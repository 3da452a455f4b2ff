package dev.sluice.workers.priming;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import dev.sluice.workers.logging.LogContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;

/**
 * SnapStart priming for one handler: before Lambda takes the snapshot of an initialized function
 * ({@link #beforeCheckpoint}), does ahead what the first request would otherwise pay for after every
 * restore, so that it is in the snapshot:
 * <ul>
 * <li>the handler's own JSON: its fixture {@code /priming/SIMPLENAME.json} (a representative event,
 * shipped in the handler's bundle) read and written with the project's mapper, as the handler reads
 * its input;</li>
 * <li>its schemas: those named at {@link Builder#validate} compiled, and the document at a pointer
 * of the fixture (a request body, a queue message) validated against them, with the handler's own
 * {@link Schemas} so the compiled schema is the one it uses;</li>
 * <li>its SDK clients, every one its {@link AwsClients} built: a request of each service marshalled
 * and signed, then stopped before transmission ({@link DryCalls}).</li>
 * </ul>
 * Priming never calls the network, never writes to a store, and never fails the snapshot: a warm-up
 * that throws is logged and skipped. Only a handler's production (no-argument) constructor
 * registers it; outside SnapStart (a plain JVM, the local runtime) registering does nothing.
 */
public final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    /** One warm-up. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** What a priming did: the warm-ups that ran, and those that failed with why. */
    public record Report(List<String> ran, Map<String, String> failed) {
    }

    private record Named(String name, Step step) {
    }

    /**
     * The registered primings, held as long as their handler: CRaC holds a resource weakly, and
     * nothing else would hold this one.
     */
    private static final Map<Object, Priming> BY_HANDLER = Collections.synchronizedMap(new WeakHashMap<>());

    private final String function;
    private final List<Named> steps;
    private final AwsClients aws;
    private Priming(String function, List<Named> steps, AwsClients aws) {
        this.function = function;
        this.steps = List.copyOf(steps);
        this.aws = aws;
    }

    /** The priming of {@code handler}'s type, with its SDK clients: {@code aws}'s, as they are when it runs. */
    public static Builder of(Class<?> handler, AwsClients aws) {
        return new Builder(handler, aws);
    }

    /** The priming registered for this handler instance, if its production constructor made one. */
    public static Optional<Priming> registeredFor(Object handler) {
        return Optional.ofNullable(BY_HANDLER.get(handler));
    }

    /** The fixture of a handler class, in its bundle. */
    public static String fixture(Class<?> handler) {
        return "/priming/" + handler.getSimpleName() + ".json";
    }

    /** Runs every warm-up, each on its own: one that fails is logged and the next one runs. */
    public Report prime() {
        long start = System.nanoTime();
        List<String> ran = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        List<Named> all = new ArrayList<>(steps);
        // The clients as they are now: one a handler builds on first use is warmed if it exists by then.
        for (SdkClient client : aws.clients()) {
            all.add(new Named("sdk " + client.serviceName(), () -> {
                if (!DryCalls.warm(client)) {
                    throw new IllegalStateException("no dry call for service " + client.serviceName());
                }
            }));
        }
        try (LogContext priming = LogContext.invocation(function, null, null)) {
            for (Named s : all) {
                try {
                    s.step().run();
                    ran.add(s.name());
                } catch (Exception | LinkageError e) {
                    failed.put(s.name(), e.toString());
                    LOG.atError().setMessage("priming step failed, the snapshot is taken without it: " + e)
                            .addKeyValue("step", s.name()).log();
                }
            }
            LOG.atInfo().setMessage("primed for the snapshot").addKeyValue("steps", String.join(",", ran))
                    .addKeyValue("failed", String.join(",", failed.keySet()))
                    .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000).log();
        }
        return new Report(List.copyOf(ran), Collections.unmodifiableMap(failed));
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        try {
            prime();
        } catch (RuntimeException | LinkageError e) {
            // Even the log failing must not cost the snapshot: the function only starts slower.
        }
    }

    /**
     * Nothing to redo: the warm-ups leave no connection, credential or unique value behind (no request
     * was sent, no id generated). SDK clients stay valid across a restore: on SnapStart they get
     * credentials from the container credentials endpoint when first needed, which priming never
     * asks, and open connections as they need them.
     */
    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }

    /** The per-handler part: which schemas, beyond the fixture and the clients every priming warms. */
    public static final class Builder {

        private final Class<?> handler;
        private final AwsClients aws;
        private final List<Named> steps = new ArrayList<>();

        private Builder(Class<?> handler, AwsClients aws) {
            this.handler = handler;
            this.aws = aws;
            steps.add(new Named("json " + fixture(handler), this::roundTrip));
        }

        /**
         * Compiles {@code schema} and validates the document at {@code pointer} of the fixture against
         * it: a JSON text there (a request body, a message body) is parsed first, as the handler does.
         */
        public Builder validate(String pointer, Schemas schemas, String schema) {
            steps.add(new Named("schema " + schema, () -> {
                JsonNode at = readFixture().at(pointer);
                if (at.isMissingNode()) {
                    throw new IllegalStateException(fixture(handler) + " has nothing at " + pointer);
                }
                JsonNode document = at.isTextual() ? Json.parse(at.textValue()) : at;
                List<Violation> violations = schemas.validate(schema, document);
                if (!violations.isEmpty()) {
                    throw new IllegalStateException(fixture(handler) + pointer + " is not a valid " + schema + ": "
                            + violations.get(0));
                }
            }));
            return this;
        }

        /** Any other warm-up of the handler's. */
        public Builder step(String name, Step step) {
            steps.add(new Named(name, step));
            return this;
        }

        /** Registers the priming with SnapStart's runtime hooks, for as long as {@code instance} lives. */
        public Priming register(Object instance) {
            Priming priming = new Priming(aws.env("AWS_LAMBDA_FUNCTION_NAME", handler.getSimpleName()), steps, aws);
            BY_HANDLER.put(instance, priming);
            Core.getGlobalContext().register(priming);
            return priming;
        }

        private void roundTrip() throws IOException {
            JsonNode event = readFixture();
            Json.MAPPER.writeValueAsBytes(event);
            Json.write(Map.of("primed", true, "count", 1));
        }

        /** As a stream handler reads its input: from a stream, into a tree. */
        private JsonNode readFixture() throws IOException {
            try (InputStream in = handler.getResourceAsStream(fixture(handler))) {
                if (in == null) {
                    throw new IllegalStateException(fixture(handler) + " is not on the class path");
                }
                return Json.MAPPER.readTree(in);
            }
        }
    }
}
