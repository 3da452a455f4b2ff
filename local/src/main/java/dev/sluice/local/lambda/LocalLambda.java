package dev.sluice.local.lambda;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local Lambda service: every function of the topology, invoked synchronously (event source
 * mappings) or asynchronously (EventBridge targets) with Lambda's async retries, after which a
 * function's on-failure destination gets Lambda's invocation record.
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
    private final AwsIdentity identity;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    private volatile SqsClient destinations;

    public LocalLambda(List<FunctionSpec> specs, AwsIdentity identity, ClassLoader loader, long asyncRetryDelayMillis) {
        this.asyncRetryDelayMillis = asyncRetryDelayMillis;
        this.identity = identity;
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

    /** The SQS service that on-failure destinations (queues) are reached through, once it is up. */
    public void sendFailuresWith(SqsClient sqs) {
        this.destinations = sqs;
    }

    /** The ARN of a function's on-failure destination, as GetFunctionEventInvokeConfig names it. */
    public Optional<String> onFailureDestination(String name) {
        return Optional.ofNullable(function(name).spec().onFailure()).map(d -> identity.sqsArn(d.queue()));
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

    /**
     * Queues the invocation and returns at once (InvocationType Event), retrying a failure twice.
     *
     * @return settles once the invocation succeeded or, its retries spent, was handed to the function's
     *     on-failure destination (or dropped, without one, as Lambda drops it); fails when it could be
     *     neither, and never settles when the service stops first
     */
    public CompletableFuture<Void> invokeAsync(String name, byte[] payload) {
        function(name);
        CompletableFuture<Void> settled = new CompletableFuture<>();
        String requestId = UUID.randomUUID().toString();
        try {
            asyncQueue.execute(() -> attemptAsync(name, payload, requestId, 1, settled));
        } catch (RejectedExecutionException stopping) {
            settled.completeExceptionally(stopping);
        }
        return settled;
    }

    private void attemptAsync(String name, byte[] payload, String requestId, int attempt,
            CompletableFuture<Void> settled) {
        try {
            invoke(name, payload);
            settled.complete(null);
        } catch (FunctionError e) {
            if (attempt <= ASYNC_RETRIES) {
                try {
                    asyncQueue.schedule(() -> attemptAsync(name, payload, requestId, attempt + 1, settled),
                            asyncRetryDelayMillis << (attempt - 1), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    settled.completeExceptionally(stopping);
                }
            } else {
                retriesExhausted(name, payload, requestId, attempt, e, settled);
            }
        }
    }

    private void retriesExhausted(String name, byte[] payload, String requestId, int attempts, FunctionError e,
            CompletableFuture<Void> settled) {
        FunctionSpec.OnFailure destination = function(name).spec().onFailure();
        if (destination == null) {
            LOG.log(Level.ERROR, "asynchronous invocation of {0} failed {1} times, dropped as Lambda does"
                    + " without an on-failure destination: {2}: {3}", name, attempts, e.errorType(), e.getMessage());
            settled.complete(null);
            return;
        }
        try {
            String record = InvocationRecord.retriesExhausted(requestId, identity.lambdaArn(name), attempts, payload, e,
                    Instant.now());
            SqsClient sqs = Objects.requireNonNull(destinations, "no SQS service for on-failure destinations");
            String url = queueUrls.computeIfAbsent(destination.queue(),
                    q -> sqs.getQueueUrl(b -> b.queueName(q)).queueUrl());
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(record));
        } catch (RuntimeException failed) {
            LOG.log(Level.ERROR, "asynchronous invocation of {0} failed {1} times and its record could not reach"
                    + " on-failure destination {2}: {3}", name, attempts, destination.queue(), failed);
            settled.completeExceptionally(failed);
            return;
        }
        LOG.log(Level.WARNING, "asynchronous invocation of {0} failed {1} times; its record is in on-failure"
                + " destination {2}: {3}: {4}", name, attempts, destination.queue(), e.errorType(), e.getMessage());
        settled.complete(null);
    }

    @Override
    public void close() {
        asyncQueue.shutdownNow();
        functions.values().forEach(LocalFunction::close);
    }
}
