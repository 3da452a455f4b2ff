package dev.sluice.local.stepfunctions;

import java.time.Instant;

/** A STANDARD state machine: the only type the local runtime runs. */
public record StateMachineRecord(String arn, String name, String definition, String roleArn, Instant creationDate,
        Instant updateDate) {

    StateMachineRecord updated(String newDefinition, String newRoleArn, Instant at) {
        return new StateMachineRecord(arn, name, newDefinition, newRoleArn, creationDate, at);
    }
}
