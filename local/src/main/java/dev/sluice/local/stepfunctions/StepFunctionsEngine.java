package dev.sluice.local.stepfunctions;

import dev.sluice.local.stepfunctions.asl.ExecutionResult;
import dev.sluice.local.stepfunctions.asl.ExecutionStart;
import dev.sluice.local.stepfunctions.asl.HistorySink;
import dev.sluice.local.stepfunctions.asl.InvalidDefinitionException;

/** What checks and runs definitions for {@link LocalStepFunctions}: {@link AslEngine} outside tests. */
public interface StepFunctionsEngine {

    /** @throws InvalidDefinitionException naming the first problem */
    void validate(String definition);

    /** Runs on the calling thread until the execution ends; an interrupt stops it. */
    ExecutionResult run(String definition, ExecutionStart start, HistorySink history);
}
