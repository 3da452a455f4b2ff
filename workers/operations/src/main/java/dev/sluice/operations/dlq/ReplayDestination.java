package dev.sluice.operations.dlq;

import dev.sluice.core.topology.TargetSpec;
import dev.sluice.operations.deployment.Deployment;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Where a DLQ message goes back to, and the sending of it there: a queue DLQ's message to its source queue; an
 * EventBridge target DLQ's event to the one target named by its TARGET_ARN (an SQS queue, a Lambda function invoked
 * asynchronously, a state machine started), never to the bus, so the rule's other targets get no duplicate; a
 * Lambda on-failure record's request payload to the function that failed, asynchronously.
 *
 * @param kind how it is sent
 * @param address a queue URL, or a function's or a state machine's ARN
 */
public record ReplayDestination(Kind kind, String address) {

    /** Attributes that describe the failure, not the message: not carried back to where it failed. */
    private static final Set<String> FAILURE_ATTRIBUTES = Set.of("SluiceErrorCode", "SluiceErrorMessage",
            "SluiceSourceQueue", "SluiceSourceMessageId", "RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE",
            "RETRY_ATTEMPTS", "EXHAUSTED_RETRY_CONDITION", DlqMessage.REPLAY_COUNT);

    public enum Kind { QUEUE, FUNCTION, STATE_MACHINE }

    /** A message a replay cannot route: it stays in the DLQ, counted as failed, with this reason. */
    static final class UnroutableException extends RuntimeException {
        UnroutableException(String reason) {
            super(reason);
        }
    }

    /** @throws UnroutableException the message does not say where it failed, or names something foreign */
    static ReplayDestination of(DeadLetterQueue dlq, DlqMessage message, Deployment deployment,
            Map<String, String> queueUrls) {
        return switch (dlq.kind()) {
            case QUEUE -> new ReplayDestination(Kind.QUEUE, deployment.queueUrl(dlq.sources().get(0)));
            case EVENT_TARGET -> target(message.attributes().get("TARGET_ARN"), deployment, queueUrls);
            case ON_FAILURE -> function(dlq, message, deployment);
        };
    }

    /** A rule's target by its topology name: where an archived event goes again on an archive replay. */
    public static ReplayDestination of(TargetSpec target, Deployment deployment) {
        return switch (target.kind()) {
            case SQS -> new ReplayDestination(Kind.QUEUE, deployment.queueUrl(target.resource()));
            case LAMBDA -> new ReplayDestination(Kind.FUNCTION, deployment.functionArn(target.resource()));
            case STATE_MACHINE -> new ReplayDestination(Kind.STATE_MACHINE,
                    deployment.stateMachineArn(target.resource()));
        };
    }

    private static ReplayDestination target(String targetArn, Deployment deployment, Map<String, String> queueUrls) {
        if (targetArn == null) {
            throw new UnroutableException("no TARGET_ARN attribute: EventBridge did not put this message here");
        }
        String[] arn = targetArn.split(":");
        if (arn.length < 6) {
            throw new UnroutableException("TARGET_ARN is not an ARN: " + targetArn);
        }
        return switch (arn[2]) {
            case "sqs" -> new ReplayDestination(Kind.QUEUE, queueUrls.computeIfAbsent(targetArn, k -> deployment.sqs()
                    .getQueueUrl(b -> b.queueName(arn[5]).queueOwnerAWSAccountId(arn[4])).queueUrl()));
            case "lambda" -> new ReplayDestination(Kind.FUNCTION, targetArn);
            case "states" -> new ReplayDestination(Kind.STATE_MACHINE, targetArn);
            default -> throw new UnroutableException("a target of service " + arn[2] + " cannot be replayed to: "
                    + targetArn);
        };
    }

    /** The function the record names, if it is one whose failures land in this DLQ; invoked by the stack's ARN. */
    private static ReplayDestination function(DeadLetterQueue dlq, DlqMessage message, Deployment deployment) {
        if (message.invocationRecord() == null) {
            throw new UnroutableException("not a Lambda invocation record (no requestContext and requestPayload)");
        }
        String failed = functionName(message.invocationRecord().at("/requestContext/functionArn").asText(""));
        for (String source : dlq.sources()) {
            String arn = deployment.functionArn(source);
            if (functionName(arn).equals(failed)) {
                return new ReplayDestination(Kind.FUNCTION, arn);
            }
        }
        throw new UnroutableException("function \"" + failed + "\" is not one whose failures land in " + dlq.name()
                + " (" + String.join(", ", dlq.sources()) + ")");
    }

    /** {@code arn:aws:lambda:region:account:function:NAME[:qualifier]} → NAME. */
    static String functionName(String arn) {
        String[] parts = arn.split(":");
        return parts.length >= 7 ? parts[6] : arn;
    }

    /** Whether the replay count can travel with the message (only an SQS message carries attributes). */
    boolean carriesReplayCount() {
        return kind == Kind.QUEUE;
    }

    /**
     * Sends {@code payload} here; returns when the destination has it.
     *
     * @throws RuntimeException the send failed: the message must stay in the DLQ
     */
    public void send(Deployment deployment, String payload, Map<String, MessageAttributeValue> original,
            int replayCount) {
        switch (kind) {
            case QUEUE -> {
                Map<String, MessageAttributeValue> attributes = new HashMap<>();
                original.forEach((name, value) -> {
                    if (!FAILURE_ATTRIBUTES.contains(name)) {
                        attributes.put(name, value);
                    }
                });
                attributes.put(DlqMessage.REPLAY_COUNT, MessageAttributeValue.builder().dataType("Number")
                        .stringValue(String.valueOf(replayCount)).build());
                deployment.sqs().sendMessage(b -> b.queueUrl(address).messageBody(payload).messageAttributes(attributes));
            }
            case FUNCTION -> {
                InvokeResponse response = deployment.lambda().invoke(b -> b.functionName(address)
                        .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String(payload)));
                if (response.statusCode() != 202 || response.functionError() != null) {
                    throw new IllegalStateException("Lambda answered " + response.statusCode()
                            + (response.functionError() != null ? " " + response.functionError() : ""));
                }
            }
            case STATE_MACHINE -> deployment.stepFunctions().startExecution(b -> b.stateMachineArn(address)
                    .input(payload));
        }
    }
}
