package dev.sluice.core.topology;

/** A state machine whose Amazon States Language definition is {@code statemachines/<name>.asl.json}. */
public record StateMachineSpec(String name, String definition) {
}
