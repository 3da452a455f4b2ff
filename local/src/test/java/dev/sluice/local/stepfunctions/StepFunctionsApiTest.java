package dev.sluice.local.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.http.AwsJsonServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.InvalidNameException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/** The local Step Functions through the stock {@link SfnClient}, with a scripted engine standing in for ASL. */
class StepFunctionsApiTest {

    static final String DEFINITION = "{\"StartAt\":\"Echo\",\"States\":{\"Echo\":{\"Type\":\"Pass\",\"End\":true}}}";
    static final String ROLE = AwsIdentity.LOCAL.roleArn("test-role");
    static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    static Path state;
    static LocalStepFunctions service;
    static AwsJsonServer server;
    static SfnClient sfn;

    @BeforeAll
    static void start() throws Exception {
        service = LocalStepFunctions.open(state, AwsIdentity.LOCAL, new ScriptedEngine());
        server = StepFunctionsApi.serve(service);
        sfn = LocalRuntime.client(SfnClient.builder(), server.endpoint(), AwsIdentity.LOCAL.region());
    }

    @AfterAll
    static void stop() {
        sfn.close();
        server.close();
        service.close();
    }

    static String create(String name) {
        return sfn.createStateMachine(b -> b.name(name).definition(DEFINITION).roleArn(ROLE)).stateMachineArn();
    }

    @Test
    void aStateMachineIsCreatedDescribedListedAndUpdated() {
        Instant before = Instant.now().minusSeconds(1);
        var created = sfn.createStateMachine(b -> b.name("crud").definition(DEFINITION).roleArn(ROLE));

        assertThat(created.stateMachineArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:crud");
        assertThat(created.creationDate()).isBetween(before, Instant.now().plusSeconds(1));
        DescribeStateMachineResponse described = sfn.describeStateMachine(b -> b.stateMachineArn(
                created.stateMachineArn()));
        assertThat(described.name()).isEqualTo("crud");
        assertThat(described.definition()).isEqualTo(DEFINITION);
        assertThat(described.roleArn()).isEqualTo(ROLE);
        assertThat(described.type()).isEqualTo(StateMachineType.STANDARD);
        assertThat(described.statusAsString()).isEqualTo("ACTIVE");
        assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name).contains("crud");

        // The same name and definition again: the same machine, not a new one.
        var again = sfn.createStateMachine(b -> b.name("crud").definition(DEFINITION).roleArn(ROLE));
        assertThat(again.creationDate()).isEqualTo(created.creationDate());
        String changed = DEFINITION.replace("Echo", "Other");
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("crud").definition(changed).roleArn(ROLE)))
                .isInstanceOf(StateMachineAlreadyExistsException.class);

        var updated = sfn.updateStateMachine(b -> b.stateMachineArn(created.stateMachineArn()).definition(changed));
        assertThat(updated.updateDate()).isAfterOrEqualTo(created.creationDate());
        assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(created.stateMachineArn())).definition())
                .isEqualTo(changed);
    }

    @Test
    void refusalsCarryTheErrorTypesOfStepFunctions() {
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("broken").definition("{\"States\":{}}")
                .roleArn(ROLE)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("field \"StartAt\": is required");
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("fast").definition(DEFINITION).roleArn(ROLE)
                .type(StateMachineType.EXPRESS)))
                .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageContaining("EXPRESS");
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("a b").definition(DEFINITION).roleArn(ROLE)))
                .isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(
                AwsIdentity.LOCAL.stateMachineArn("nowhere"))))
                .isInstanceOf(StateMachineDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn(
                AwsIdentity.LOCAL.executionArn("nowhere", "nothing"))))
                .isInstanceOf(ExecutionDoesNotExistException.class);
        String arn = create("refusals");
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn).input("{not json")))
                .isInstanceOf(InvalidExecutionInputException.class);
        String big = "\"" + "x".repeat(LocalStepFunctions.MAX_INPUT_BYTES) + "\"";
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn).input(big)))
                .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(arn).nextToken("bm90LWFuLWFybg")))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void anExecutionRunsAndLeavesItsHistory() throws Exception {
        String machine = create("echo");
        var started = sfn.startExecution(b -> b.stateMachineArn(machine).name("first").input("{\"a\":1}"));

        assertThat(started.executionArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:execution:echo:first");
        service.awaitCompletion(started.executionArn(), PATIENCE);
        DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(started.executionArn()));
        assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(d.stateMachineArn()).isEqualTo(machine);
        assertThat(d.name()).isEqualTo("first");
        assertThat(d.input()).isEqualTo("{\"a\":1}");
        assertThat(Json.parse(d.output())).isEqualTo(Json.parse("{\"echo\":{\"a\":1}}"));
        assertThat(d.startDate()).isEqualTo(started.startDate());
        assertThat(d.stopDate()).isAfterOrEqualTo(d.startDate());
        assertThat(d.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
        assertThat(d.redriveStatusReason()).isEqualTo("Execution is SUCCEEDED and cannot be redriven.");

        List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(started.executionArn())).events();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.PASS_STATE_ENTERED, HistoryEventType.PASS_STATE_EXITED,
                HistoryEventType.EXECUTION_SUCCEEDED);
        assertThat(events).extracting(HistoryEvent::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(events.get(0).executionStartedEventDetails().input()).isEqualTo("{\"a\":1}");
        assertThat(events.get(1).stateEnteredEventDetails().name()).isEqualTo("Echo");
        assertThat(events.get(3).executionSucceededEventDetails().output()).isEqualTo(d.output());
        assertThat(events.get(3).timestamp()).isAfterOrEqualTo(events.get(0).timestamp());

        List<HistoryEvent> reversed = sfn.getExecutionHistory(b -> b.executionArn(started.executionArn())
                .reverseOrder(true).includeExecutionData(false)).events();
        assertThat(reversed).extracting(HistoryEvent::id).containsExactly(4L, 3L, 2L, 1L);
        assertThat(reversed.get(3).executionStartedEventDetails().input()).isNull();
        assertThat(reversed.get(3).executionStartedEventDetails().roleArn()).isEqualTo(ROLE);
    }

    @Test
    void aStartWithTheNameOfARunningExecutionIsIdempotentOnlyForTheSameInput() throws Exception {
        String machine = create("idempotent");
        String input = "{\"script\":\"block\"}";
        var first = sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input));
        var repeat = sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input));

        assertThat(repeat.executionArn()).isEqualTo(first.executionArn());
        assertThat(repeat.startDate()).isEqualTo(first.startDate());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()).hasSize(1);
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("once")
                .input("{\"script\":\"block\",\"other\":true}")))
                .isInstanceOf(ExecutionAlreadyExistsException.class);

        sfn.stopExecution(b -> b.executionArn(first.executionArn()));
        // A closed execution's name is taken whatever the input.
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input)))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
        assertThat(sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn())
                .matches(".*:execution:idempotent:[0-9a-f-]{36}");
    }

    @Test
    void stoppingAbortsTheExecutionAndInterruptsItsRun() throws Exception {
        String machine = create("stoppable");
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"script\":\"block\"}"))
                .executionArn();
        Thread.sleep(100);
        assertThat(sfn.describeExecution(b -> b.executionArn(arn)).status()).isEqualTo(ExecutionStatus.RUNNING);

        var stopped = sfn.stopExecution(b -> b.executionArn(arn).error("Cancelled").cause("by the test"));

        DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
        assertThat(d.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(d.stopDate()).isEqualTo(stopped.stopDate());
        assertThat(d.error()).isEqualTo("Cancelled");
        assertThat(d.cause()).isEqualTo("by the test");
        assertThat(d.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
        // The engine's thread ends on the interrupt; what it sends after the abort is not recorded.
        Thread.sleep(200);
        List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(arn)).events();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.WAIT_STATE_ENTERED, HistoryEventType.EXECUTION_ABORTED);
        assertThat(events.get(2).executionAbortedEventDetails().error()).isEqualTo("Cancelled");
    }

    @Test
    void aFailedExecutionIsRedrivenFromWhereItFailed() throws Exception {
        String machine = create("flaky");
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"script\":\"fail-once\"}"))
                .executionArn();
        assertThat(service.awaitCompletion(arn, PATIENCE).status())
                .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.FAILED);
        DescribeExecutionResponse failed = sfn.describeExecution(b -> b.executionArn(arn));
        assertThat(failed.error()).isEqualTo("Scripted.Error");
        assertThat(failed.cause()).isEqualTo("the first run fails");
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);

        var redriven = sfn.redriveExecution(b -> b.executionArn(arn));
        assertThat(service.awaitCompletion(arn, PATIENCE).status())
                .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.SUCCEEDED);

        DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
        assertThat(Json.parse(d.output())).isEqualTo(Json.parse("{\"resumedAt\":\"Second\",\"redriveCount\":1}"));
        assertThat(d.redriveCount()).isEqualTo(1);
        assertThat(d.redriveDate()).isEqualTo(redriven.redriveDate());
        assertThat(d.error()).isNull();
        List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(arn)).events();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.PASS_STATE_ENTERED, HistoryEventType.TASK_STATE_ENTERED,
                HistoryEventType.EXECUTION_FAILED, HistoryEventType.EXECUTION_REDRIVEN,
                HistoryEventType.TASK_STATE_ENTERED, HistoryEventType.EXECUTION_SUCCEEDED);
        assertThat(events.get(4).executionRedrivenEventDetails().redriveCount()).isEqualTo(1);
        assertThat(events.get(5).stateEnteredEventDetails().name()).isEqualTo("Second");

        assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(arn)))
                .isInstanceOf(ExecutionNotRedrivableException.class)
                .hasMessageContaining("SUCCEEDED");
    }

    @Test
    void listsAndHistoriesPageWithTheSdkPaginators() throws Exception {
        String machine = create("paged");
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String arn = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
            service.awaitCompletion(arn, PATIENCE);
            started.add(arn);
            Thread.sleep(2); // distinct start times, so newest-first is one order
        }

        ListExecutionsResponse firstPage = sfn.listExecutions(b -> b.stateMachineArn(machine).maxResults(3));
        assertThat(firstPage.executions()).hasSize(3);
        assertThat(firstPage.nextToken()).isNotNull();
        List<String> paged = sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine).maxResults(3))
                .executions().stream().map(ExecutionListItem::executionArn).toList();
        assertThat(paged).containsExactlyElementsOf(started.reversed());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.SUCCEEDED))
                .executions()).hasSize(7);
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.FAILED))
                .executions()).isEmpty();

        List<String> machines = sfn.listStateMachinesPaginator(b -> b.maxResults(1)).stateMachines().stream()
                .map(StateMachineListItem::name).toList();
        assertThat(machines).contains("paged").doesNotHaveDuplicates()
                .hasSize(sfn.listStateMachines().stateMachines().size());

        List<HistoryEvent> whole = sfn.getExecutionHistory(b -> b.executionArn(started.get(0))).events();
        List<HistoryEvent> oneByOne = sfn.getExecutionHistoryPaginator(b -> b.executionArn(started.get(0))
                .maxResults(1)).events().stream().toList();
        assertThat(oneByOne).hasSize(4).isEqualTo(whole);
    }
}
