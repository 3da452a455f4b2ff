package dev.sluice.local.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.http.AwsJsonServer;
import dev.sluice.local.stepfunctions.asl.TaskInvoker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/** What the local Step Functions keeps across a restart, asked through the stock {@link SfnClient}. */
class StepFunctionsPersistenceTest {

    /** Calls the blocking function when the input has {@code block}, else echoes the input. */
    static final String ROUTED = """
            {"StartAt":"Route","States":{
              "Route":{"Type":"Choice","Choices":[{"Variable":"$.block","IsPresent":true,"Next":"Call"}],
                "Default":"Echo"},
              "Call":{"Type":"Task","Resource":"%s","End":true},
              "Echo":{"Type":"Pass","Parameters":{"echo.$":"$"},"End":true}}}"""
            .formatted(StepFunctionsApiTest.BLOCK);
    /** The first process's functions: {@code block} never answers. */
    static final TaskInvoker BLOCKING = StepFunctionsApiTest::functions;
    /** The second process's: {@code block} answers at once. */
    static final TaskInvoker ANSWERING = (resource, input) -> Json.object().put("answeredBy", resource);

    @TempDir
    Path state;

    /** One process's service, its API and a client of it. */
    private record Running(LocalStepFunctions service, AwsJsonServer server, SfnClient sfn) implements AutoCloseable {

        static Running on(Path state, TaskInvoker functions) throws Exception {
            LocalStepFunctions service = LocalStepFunctions.open(state, AwsIdentity.LOCAL, new AslEngine(functions));
            AwsJsonServer server = StepFunctionsApi.serve(service);
            return new Running(service, server, LocalRuntime.client(SfnClient.builder(), server.endpoint(),
                    AwsIdentity.LOCAL.region()));
        }

        @Override
        public void close() {
            sfn.close();
            server.close();
            service.close();
        }
    }

    @Test
    void machinesAndExecutionsOutliveTheProcessAndARunCutShortFailsRedrivably() throws Exception {
        String machine;
        String finished;
        String cutShort;
        DescribeExecutionResponse finishedBefore;
        List<HistoryEvent> historyBefore;
        try (Running first = Running.on(state, BLOCKING)) {
            machine = first.sfn().createStateMachine(b -> b.name("durable").definition(ROUTED)
                    .roleArn(StepFunctionsApiTest.ROLE)).stateMachineArn();
            finished = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("done").input("{\"n\":1}"))
                    .executionArn();
            first.service().awaitCompletion(finished, Duration.ofSeconds(10));
            cutShort = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("cut")
                    .input("{\"block\":true}")).executionArn();
            StepFunctionsApiTest.awaitEvent(first.service(), cutShort, HistoryEventType.LAMBDA_FUNCTION_STARTED);
            finishedBefore = first.sfn().describeExecution(b -> b.executionArn(finished));
            historyBefore = first.sfn().getExecutionHistory(b -> b.executionArn(finished)).events();
        }

        try (Running second = Running.on(state, ANSWERING)) {
            SfnClient sfn = second.sfn();
            assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::stateMachineArn)
                    .containsExactly(machine);
            assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine)).definition())
                    .isEqualTo(ROUTED);
            assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions())
                    .extracting(ExecutionListItem::executionArn).containsExactly(cutShort, finished);

            assertThat(sfn.describeExecution(b -> b.executionArn(finished))).isEqualTo(finishedBefore);
            assertThat(Json.parse(finishedBefore.output())).isEqualTo(Json.parse("{\"echo\":{\"n\":1}}"));
            assertThat(sfn.getExecutionHistory(b -> b.executionArn(finished)).events()).isEqualTo(historyBefore);

            DescribeExecutionResponse cut = sfn.describeExecution(b -> b.executionArn(cutShort));
            assertThat(cut.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(cut.error()).isEqualTo("States.Runtime");
            assertThat(cut.cause()).isEqualTo(LocalStepFunctions.STOPPED_WHILE_RUNNING);
            assertThat(cut.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
            List<HistoryEvent> cutHistory = sfn.getExecutionHistory(b -> b.executionArn(cutShort)).events();
            assertThat(cutHistory).extracting(HistoryEvent::type).containsExactly(
                    HistoryEventType.EXECUTION_STARTED, HistoryEventType.CHOICE_STATE_ENTERED,
                    HistoryEventType.CHOICE_STATE_EXITED, HistoryEventType.TASK_STATE_ENTERED,
                    HistoryEventType.LAMBDA_FUNCTION_SCHEDULED, HistoryEventType.LAMBDA_FUNCTION_STARTED,
                    HistoryEventType.EXECUTION_FAILED);

            // No run had failed before the cut, so the redrive begins again at StartAt.
            sfn.redriveExecution(b -> b.executionArn(cutShort));
            assertThat(second.service().awaitCompletion(cutShort, Duration.ofSeconds(10)).status())
                    .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.SUCCEEDED);
            DescribeExecutionResponse redriven = sfn.describeExecution(b -> b.executionArn(cutShort));
            assertThat(redriven.redriveCount()).isEqualTo(1);
            assertThat(Json.parse(redriven.output())).isEqualTo(Json.parse(
                    "{\"answeredBy\":\"" + StepFunctionsApiTest.BLOCK + "\"}"));
            List<HistoryEvent> redrivenHistory = sfn.getExecutionHistory(b -> b.executionArn(cutShort)).events();
            assertThat(redrivenHistory.subList(cutHistory.size(), redrivenHistory.size()))
                    .extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_REDRIVEN,
                            HistoryEventType.CHOICE_STATE_ENTERED, HistoryEventType.CHOICE_STATE_EXITED,
                            HistoryEventType.TASK_STATE_ENTERED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULED,
                            HistoryEventType.LAMBDA_FUNCTION_STARTED, HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED,
                            HistoryEventType.TASK_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED);
        }
    }

    @Test
    void aStopLetsAnExecutionThatEndsSoonFinishInsteadOfCuttingItShort() throws Exception {
        String execution;
        try (Running first = Running.on(state, ANSWERING)) {
            String machine = first.sfn().createStateMachine(b -> b.name("brief").roleArn(StepFunctionsApiTest.ROLE)
                    .definition("{\"StartAt\":\"Pause\",\"States\":{\"Pause\":{\"Type\":\"Wait\",\"Seconds\":1,"
                            + "\"End\":true}}}")).stateMachineArn();
            execution = first.sfn().startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
            first.service().drain(Duration.ofSeconds(10));
        }
        try (Running second = Running.on(state, ANSWERING)) {
            assertThat(second.sfn().describeExecution(b -> b.executionArn(execution)).status())
                    .isEqualTo(ExecutionStatus.SUCCEEDED);
        }
    }

    @Test
    void aHistoryLineTornByACrashIsLeftOut() throws Exception {
        String arn;
        try (Running first = Running.on(state, BLOCKING)) {
            String machine = first.sfn().createStateMachine(b -> b.name("torn").definition(
                    StepFunctionsApiTest.DEFINITION).roleArn(StepFunctionsApiTest.ROLE)).stateMachineArn();
            arn = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("x")).executionArn();
            first.service().awaitCompletion(arn, Duration.ofSeconds(10));
        }
        Path history = state.resolve("stepfunctions/executions/torn/x.history.jsonl");
        assertThat(Files.readAllLines(history)).hasSize(4);
        Files.writeString(history, "{\"timestamp\":17", StandardOpenOption.APPEND);

        try (Running second = Running.on(state, BLOCKING)) {
            assertThat(second.sfn().getExecutionHistory(b -> b.executionArn(arn)).events()).hasSize(4);
        }
    }
}
