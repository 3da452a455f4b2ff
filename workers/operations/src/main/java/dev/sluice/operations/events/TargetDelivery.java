package dev.sluice.operations.events;

import dev.sluice.core.topology.TargetSpec;
import dev.sluice.operations.deployment.Deployment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Delivers one event to one rule target the way EventBridge does: an SQS queue gets the event JSON
 * as the message body, a function an asynchronous invocation with it as the payload, a state machine
 * an execution with it as the input. One target, never the bus: the rule's other targets (and other
 * rules) get no duplicate.
 */
public final class TargetDelivery {

    private final Deployment deployment;

    public TargetDelivery(Deployment deployment) {
        this.deployment = deployment;
    }

    /** @throws RuntimeException the target refused it (the SDK's exception, for the report) */
    public void deliver(TargetSpec target, String eventJson) {
        switch (target.kind()) {
            case SQS -> deployment.sqs().sendMessage(b -> b.queueUrl(deployment.queueUrl(target.resource()))
                    .messageBody(eventJson));
            case LAMBDA -> deployment.lambda().invoke(b -> b.functionName(deployment.functionArn(target.resource()))
                    .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String(eventJson)));
            case STATE_MACHINE -> deployment.stepFunctions().startExecution(b -> b
                    .stateMachineArn(deployment.stateMachineArn(target.resource())).input(eventJson));
        }
    }
}
