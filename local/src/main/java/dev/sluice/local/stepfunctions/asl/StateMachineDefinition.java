package dev.sluice.local.stepfunctions.asl;

import dev.sluice.local.stepfunctions.asl.State.Graph;

/** A parsed, validated ASL definition (JSONPath query language). */
public final class StateMachineDefinition {

    private final Graph graph;
    private final Integer timeoutSeconds;

    StateMachineDefinition(Graph graph, Integer timeoutSeconds) {
        this.graph = graph;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** @throws InvalidDefinitionException naming the state and field of the first problem */
    public static StateMachineDefinition parse(String json) {
        try {
            return DefinitionParser.parse(dev.sluice.core.json.Json.parse(json));
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("State machine: " + e.getMessage());
        }
    }

    Graph graph() {
        return graph;
    }

    /** The whole execution's TimeoutSeconds, or null for none. */
    Integer timeoutSeconds() {
        return timeoutSeconds;
    }
}
