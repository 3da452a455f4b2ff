package dev.sluice.local.lambda;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local Lambda service: every function of the topology, invoked synchronously (event source
 * mappings) or asynchronously (EventBridge targets) with Lambda's async retries.
 */
public final class LocalLambda implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalLambda.class.getName());
    /** Lambda retries a failed asynchronous invocation twice. */
    private static final int ASYNC_RETRIES = 2;

    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<InvocationListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService asyncQueue = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("lambda-async-", 0).daemon(true).factory());
    private final long asyncRetryDelayMillis;

    public LocalLambda(List<FunctionSpec> specs, AwsIdentity identity, ClassLoader loader, long asyncRetryDelayMillis) {
        this.asyncRetryDelayMillis = asyncRetryDelayMillis;
        for (FunctionSpec spec : specs) {
            try {
                functions.put(spec.name(), LocalFunction.load(spec, identity, loader));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("function \"" + spec.name() + "\": " + e.getMessage(), e);
            }
        }
    }

    public LocalFunction function(String name) {
        LocalFunction f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no function named " + name);
        }
        return f;
    }

    public boolean has(String name) {
        return functions.containsKey(name);
    }

    public List<String> names() {
        return List.copyOf(functions.keySet());
    }

    /** The environment variables each function's handler is constructed with. */
    public void environment(java.util.function.Function<FunctionSpec, Map<String, String>> env) {
        functions.values().forEach(f -> f.environment(env.apply(f.spec())));
    }

    public void addListener(InvocationListener listener) {
        listeners.add(listener);
    }

    /** Invokes and waits, as an event source mapping does (InvocationType RequestResponse). */
    public byte[] invoke(String name, byte[] payload) throws FunctionError {
        try {
            byte[] response = function(name).invoke(payload);
            tellListeners(name, payload, response, null);
            return response;
        } catch (FunctionError e) {
            tellListeners(name, payload, null, e);
            throw e;
        }
    }

    /** A listener that fails is logged and passed over: watching must never change an invocation's outcome. */
    private void tellListeners(String name, byte[] payload, byte[] response, FunctionError error) {
        for (InvocationListener l : listeners) {
            try {
                l.invoked(name, payload, response, error);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an invocation listener failed on " + name + ": " + e);
            }
        }
    }

    /** Queues the invocation and returns at once (InvocationType Event), retrying a failure twice. */
    public void invokeAsync(String name, byte[] payload) {
        function(name);
        asyncQueue.execute(() -> attemptAsync(name, payload, 0));
    }

    private void attemptAsync(String name, byte[] payload, int attempt) {
        try {
            invoke(name, payload);
        } catch (FunctionError e) {
            if (attempt < ASYNC_RETRIES) {
                asyncQueue.schedule(() -> attemptAsync(name, payload, attempt + 1),
                        asyncRetryDelayMillis << attempt, TimeUnit.MILLISECONDS);
            } else {
                LOG.log(Level.ERROR, "asynchronous invocation of {0} failed {1} times, dropped as Lambda does"
                        + " without an on-failure destination: {2}: {3}", name, attempt + 1, e.errorType(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        asyncQueue.shutdownNow();
        functions.values().forEach(LocalFunction::close);
    }
}
