package dev.sluice.local.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.http.AwsJsonServer;
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

    @TempDir
    Path state;

    /** One process's service, its API and a client of it. */
    private record Running(LocalStepFunctions service, AwsJsonServer server, SfnClient sfn) implements AutoCloseable {

        static Running on(Path state) throws Exception {
            LocalStepFunctions service = LocalStepFunctions.open(state, AwsIdentity.LOCAL, new ScriptedEngine());
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
        try (Running first = Running.on(state)) {
            machine = first.sfn().createStateMachine(b -> b.name("durable").definition(StepFunctionsApiTest.DEFINITION)
                    .roleArn(StepFunctionsApiTest.ROLE)).stateMachineArn();
            finished = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("done").input("{\"n\":1}"))
                    .executionArn();
            first.service().awaitCompletion(finished, Duration.ofSeconds(10));
            cutShort = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("cut")
                    .input("{\"script\":\"block\"}")).executionArn();
            finishedBefore = first.sfn().describeExecution(b -> b.executionArn(finished));
            historyBefore = first.sfn().getExecutionHistory(b -> b.executionArn(finished)).events();
        }

        try (Running second = Running.on(state)) {
            SfnClient sfn = second.sfn();
            assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::stateMachineArn)
                    .containsExactly(machine);
            assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine)).definition())
                    .isEqualTo(StepFunctionsApiTest.DEFINITION);
            assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions())
                    .extracting(ExecutionListItem::executionArn).containsExactly(cutShort, finished);

            assertThat(sfn.describeExecution(b -> b.executionArn(finished))).isEqualTo(finishedBefore);
            assertThat(sfn.getExecutionHistory(b -> b.executionArn(finished)).events()).isEqualTo(historyBefore);

            DescribeExecutionResponse cut = sfn.describeExecution(b -> b.executionArn(cutShort));
            assertThat(cut.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(cut.error()).isEqualTo("States.Runtime");
            assertThat(cut.cause()).isEqualTo(LocalStepFunctions.STOPPED_WHILE_RUNNING);
            assertThat(cut.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
            List<HistoryEvent> cutHistory = sfn.getExecutionHistory(b -> b.executionArn(cutShort)).events();
            assertThat(cutHistory).extracting(HistoryEvent::type).containsExactly(
                    HistoryEventType.EXECUTION_STARTED, HistoryEventType.WAIT_STATE_ENTERED,
                    HistoryEventType.EXECUTION_FAILED);

            sfn.redriveExecution(b -> b.executionArn(cutShort));
            assertThat(second.service().awaitCompletion(cutShort, Duration.ofSeconds(10)).status())
                    .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.SUCCEEDED);
            assertThat(sfn.describeExecution(b -> b.executionArn(cutShort)).redriveCount()).isEqualTo(1);
        }
    }

    @Test
    void aHistoryLineTornByACrashIsLeftOut() throws Exception {
        String arn;
        try (Running first = Running.on(state)) {
            String machine = first.sfn().createStateMachine(b -> b.name("torn").definition(
                    StepFunctionsApiTest.DEFINITION).roleArn(StepFunctionsApiTest.ROLE)).stateMachineArn();
            arn = first.sfn().startExecution(b -> b.stateMachineArn(machine).name("x")).executionArn();
            first.service().awaitCompletion(arn, Duration.ofSeconds(10));
        }
        Path history = state.resolve("stepfunctions/executions/torn/x.history.jsonl");
        assertThat(Files.readAllLines(history)).hasSize(4);
        Files.writeString(history, "{\"timestamp\":17", StandardOpenOption.APPEND);

        try (Running second = Running.on(state)) {
            assertThat(second.sfn().getExecutionHistory(b -> b.executionArn(arn)).events()).hasSize(4);
        }
    }
}
