package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;

/** The top-level state an execution stopped in and that state's input: where a redrive begins. */
public record ResumePoint(String stateName, JsonNode input) {
}
