package dev.sluice.local.lambda;

import dev.sluice.core.aws.FunctionEnvironment;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One function of the topology, invoked in-process. Like Lambda, each concurrent invocation runs
 * in its own execution environment (its own handler instance, reused when idle), and an invocation
 * that outlives the function's timeout fails with Lambda's timeout error.
 */
public final class LocalFunction implements AutoCloseable {

    private final FunctionSpec spec;
    private final String arn;
    private final HandlerType handlerType;
    private volatile Map<String, String> environment = Map.of();
    private final Deque<Object> idleEnvironments = new ConcurrentLinkedDeque<>();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("lambda-", 0).daemon(true).factory());

    private LocalFunction(FunctionSpec spec, String arn, HandlerType handlerType) {
        this.spec = spec;
        this.arn = arn;
        this.handlerType = handlerType;
    }

    /** Loads the handler class now, so a wrong class name stops start-up instead of the first message. */
    public static LocalFunction load(FunctionSpec spec, AwsIdentity identity, ClassLoader loader) {
        return new LocalFunction(spec, identity.lambdaArn(spec.name()), HandlerType.load(spec.handler(), loader));
    }

    public FunctionSpec spec() {
        return spec;
    }

    /**
     * The variables the handler's constructor sees, Lambda's own included. Environments already
     * running keep theirs, as on Lambda after an update.
     */
    void environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
    }

    /** What a new execution environment's handler is constructed with. */
    public Map<String, String> environment() {
        return environment;
    }

    /** A synchronous invocation: the response payload, or the error Lambda would report. */
    public byte[] invoke(byte[] payload) throws FunctionError {
        long timeoutNanos = TimeUnit.SECONDS.toNanos(spec.timeoutSeconds());
        LocalContext context = new LocalContext(UUID.randomUUID().toString(), spec.name(), arn, spec.memoryMb(),
                System.nanoTime() + timeoutNanos);
        Future<byte[]> result = executor.submit(() -> runInEnvironment(payload, context));
        try {
            return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new FunctionError("Sandbox.Timedout",
                    "Task timed out after " + spec.timeoutSeconds() + ".00 seconds", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new FunctionError(cause.getClass().getName(), String.valueOf(cause.getMessage()), cause);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FunctionError("Runtime.Interrupted", "invocation interrupted", e);
        }
    }

    private byte[] runInEnvironment(byte[] payload, LocalContext context) throws Exception {
        Object handler = idleEnvironments.pollFirst();
        if (handler == null) {
            handler = FunctionEnvironment.with(environment, handlerType::newInstance);
        }
        byte[] response = handlerType.invoke(handler, payload, context);
        // Only an environment that finished cleanly is reused; Lambda also discards a crashed one.
        idleEnvironments.addFirst(handler);
        return response;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
