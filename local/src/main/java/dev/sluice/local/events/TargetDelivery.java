package dev.sluice.local.events;

import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.lambda.LocalLambda;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Delivers matched events to rule targets as EventBridge does: retryable failures (throttling,
 * 5xx, connection errors) are retried with exponential backoff and jitter until the target's
 * RetryPolicy runs out; then — or at once for a failure no retry can fix — the event goes to the
 * target's dead-letter queue with EventBridge's attributes saying why. The caller learns when a
 * delivery is done (the target has the event, or the DLQ does), so it can be repeated after a crash
 * until then.
 */
public final class TargetDelivery implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TargetDelivery.class.getName());

    /** Local backoff: EventBridge's schedule compressed so a retry test takes seconds, not hours. */
    public record Backoff(Duration first, Duration max) {
        public static final Backoff LOCAL = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

        long delayMillis(int attempt) {
            long exp = first.toMillis() << Math.min(attempt, 20);
            long capped = Math.min(max.toMillis(), exp);
            return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1); // "equal jitter"
        }
    }

    /** Why one attempt failed, in EventBridge's DLQ vocabulary. */
    record Failure(String code, String message, boolean retryable) {
    }

    private final AwsIdentity identity;
    private final SqsClient sqs;
    private final LocalLambda lambda;
    private final SfnClient sfn;
    private final Backoff backoff;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("event-delivery-", 0).daemon(true).factory());

    /** @param sfn null while the runtime has no Step Functions endpoint */
    public TargetDelivery(AwsIdentity identity, SqsClient sqs, LocalLambda lambda, SfnClient sfn, Backoff backoff) {
        this.identity = identity;
        this.sqs = sqs;
        this.lambda = lambda;
        this.sfn = sfn;
        this.backoff = backoff;
    }

    /**
     * Delivers one event to one target, in the background.
     *
     * @param delivered run once the target has the event (for a function: once its asynchronous
     *     invocation succeeded or was handed to Lambda's failure handling) or the target's DLQ has it;
     *     never, when neither could be reached before the runtime stopped
     */
    public void deliver(String bus, RuleSpec rule, TargetSpec target, String eventJson, Instant eventTime,
            Runnable delivered) {
        scheduler.execute(() -> attempt(bus, rule, target, eventJson, eventTime, 0, delivered));
    }

    private void attempt(String bus, RuleSpec rule, TargetSpec target, String eventJson, Instant eventTime,
            int retries, Runnable delivered) {
        Failure failure = send(target, eventJson, delivered);
        if (failure == null) {
            return;
        }
        if (!failure.retryable()) {
            deadLetter(bus, rule, target, eventJson, failure, retries, null, delivered);
            return;
        }
        TargetSpec.RetryPolicy policy = target.retryPolicy();
        if (retries >= policy.maximumRetryAttempts()) {
            deadLetter(bus, rule, target, eventJson, failure, retries, "MaximumRetryAttempts", delivered);
            return;
        }
        long delay = backoff.delayMillis(retries);
        if (Instant.now().plusMillis(delay).isAfter(eventTime.plusSeconds(policy.maximumEventAgeSeconds()))) {
            deadLetter(bus, rule, target, eventJson, failure, retries, "MaximumEventAgeInSeconds", delivered);
            return;
        }
        scheduler.schedule(() -> attempt(bus, rule, target, eventJson, eventTime, retries + 1, delivered), delay,
                TimeUnit.MILLISECONDS);
    }

    private Failure send(TargetSpec target, String eventJson, Runnable delivered) {
        try {
            switch (target.kind()) {
                case SQS -> {
                    sqs.sendMessage(b -> b.queueUrl(queueUrl(target.resource())).messageBody(eventJson));
                    delivered.run();
                }
                case LAMBDA -> {
                    if (!lambda.has(target.resource())) {
                        return new Failure("NO_RESOURCE", "function " + target.resource() + " does not exist", false);
                    }
                    lambda.invokeAsync(target.resource(), eventJson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .thenRun(delivered);
                }
                case STATE_MACHINE -> {
                    if (sfn == null) {
                        return new Failure("NO_RESOURCE", "no Step Functions endpoint in this runtime", false);
                    }
                    sfn.startExecution(b -> b.stateMachineArn(identity.stateMachineArn(target.resource()))
                            .input(eventJson));
                    delivered.run();
                }
            }
            return null;
        } catch (QueueDoesNotExistException e) {
            queueUrls.remove(target.resource());
            return new Failure("NO_RESOURCE", e.getMessage(), false);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) {
                return new Failure("THROTTLING", e.getMessage(), true);
            }
            boolean serverSide = e.statusCode() >= 500;
            return new Failure(serverSide ? "INTERNAL_ERROR" : "ERROR_FROM_TARGET", e.getMessage(), serverSide);
        } catch (SdkClientException e) {
            return new Failure("CONNECTION_FAILURE", e.getMessage(), true);
        }
    }

    private String queueUrl(String queue) {
        return queueUrls.computeIfAbsent(queue, q -> sqs.getQueueUrl(b -> b.queueName(q)).queueUrl());
    }

    private void deadLetter(String bus, RuleSpec rule, TargetSpec target, String eventJson, Failure failure,
            int retries, String exhausted, Runnable delivered) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put("RULE_ARN", string(identity.ruleArn(bus, rule.name())));
        attributes.put("TARGET_ARN", string(targetArn(target)));
        attributes.put("ERROR_CODE", string(failure.code()));
        attributes.put("ERROR_MESSAGE", string(truncate(String.valueOf(failure.message()))));
        attributes.put("RETRY_ATTEMPTS", string(String.valueOf(retries)));
        if (exhausted != null) {
            attributes.put("EXHAUSTED_RETRY_CONDITION", string(exhausted));
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl(target.deadLetterQueue())).messageBody(eventJson)
                    .messageAttributes(attributes));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "event for rule " + rule.name() + " target " + target.id()
                    + " could not reach its DLQ either; it stays in the bus archive and is delivered again at the"
                    + " next start: " + e);
            return;
        }
        LOG.log(Level.WARNING, "event for rule " + rule.name() + " target " + target.id() + " sent to DLQ "
                + target.deadLetterQueue() + ": " + failure.code() + " " + failure.message());
        delivered.run();
    }

    private String targetArn(TargetSpec target) {
        return switch (target.kind()) {
            case SQS -> identity.sqsArn(target.resource());
            case LAMBDA -> identity.lambdaArn(target.resource());
            case STATE_MACHINE -> identity.stateMachineArn(target.resource());
        };
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static String truncate(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1024);
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
