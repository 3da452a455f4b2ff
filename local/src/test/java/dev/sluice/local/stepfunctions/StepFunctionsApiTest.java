package dev.sluice.local.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.http.AwsJsonServer;
import dev.sluice.local.stepfunctions.asl.TaskFailure;
import dev.sluice.local.stepfunctions.asl.TaskInvoker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

/** The local Step Functions through the stock {@link SfnClient}, running real ASL on {@link AslEngine}. */
class StepFunctionsApiTest {

    static final String ROLE = AwsIdentity.LOCAL.roleArn("test-role");
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** Fails with Scripted.Error on its first call; afterwards answers with its input and how often it was called. */
    static final String FLAKY = AwsIdentity.LOCAL.lambdaArn("flaky");
    /** Never answers: returns only by being interrupted. */
    static final String BLOCK = AwsIdentity.LOCAL.lambdaArn("block");

    /** Wraps the input as {@code {"echo": input}}. */
    static final String DEFINITION = """
            {"StartAt":"Echo","States":{"Echo":{"Type":"Pass","Parameters":{"echo.$":"$"},"End":true}}}""";
    static final String WAIT_AN_HOUR = """
            {"StartAt":"Forever","States":{"Forever":{"Type":"Wait","Seconds":3600,"End":true}}}""";
    static final String CALL_BLOCK = """
            {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"%s","End":true}}}""".formatted(BLOCK);
    static final String PASS_THEN_FLAKY = """
            {"StartAt":"First","States":{
              "First":{"Type":"Pass","Result":{"step":"First"},"Next":"Second"},
              "Second":{"Type":"Task","Resource":"%s",
                "Parameters":{"step.$":"$.step","redriveCount.$":"$$.Execution.RedriveCount"},"End":true}}}"""
            .formatted(FLAKY);

    static final AtomicInteger flakyCalls = new AtomicInteger();
    /** A permit for each interrupted call of {@link #BLOCK}. */
    static final Semaphore blockInterrupted = new Semaphore(0);

    /** The Lambda functions the Task states call, by ARN. */
    static JsonNode functions(String resource, JsonNode input) throws TaskFailure, InterruptedException {
        if (resource.equals(FLAKY)) {
            int call = flakyCalls.incrementAndGet();
            if (call == 1) {
                throw new TaskFailure("Scripted.Error", "the first call fails");
            }
            return ((ObjectNode) input.deepCopy()).put("calls", call);
        }
        if (resource.equals(BLOCK)) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                blockInterrupted.release();
                throw e;
            }
        }
        throw new TaskFailure("Lambda.ResourceNotFoundException", "Function not found: " + resource);
    }

    @TempDir
    static Path state;
    static LocalStepFunctions service;
    static AwsJsonServer server;
    static SfnClient sfn;

    @BeforeAll
    static void start() throws Exception {
        TaskInvoker invoker = StepFunctionsApiTest::functions;
        service = LocalStepFunctions.open(state, AwsIdentity.LOCAL, new AslEngine(invoker));
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
        return create(name, DEFINITION);
    }

    static String create(String name, String definition) {
        return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(ROLE)).stateMachineArn();
    }

    /** Waits until the execution's history has an event of {@code type}: the run got that far. */
    static void awaitEvent(LocalStepFunctions service, String arn, HistoryEventType type) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (service.history(arn).stream().noneMatch(e -> e.path("type").asText().equals(type.toString()))) {
            assertThat(System.nanoTime()).as("waiting for %s in %s", type, arn).isLessThan(deadline);
            Thread.sleep(10);
        }
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
                .hasMessageContaining("State machine: field \"StartAt\": is required");
        String noResource = "{\"StartAt\":\"Go\",\"States\":{\"Go\":{\"Type\":\"Task\",\"End\":true}}}";
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("broken").definition(noResource).roleArn(ROLE)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("State \"Go\": field \"Resource\": is required");
        String danglingNext = DEFINITION.replace("\"End\":true", "\"Next\":\"Nowhere\"");
        assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("broken").definition(danglingNext).roleArn(ROLE)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("State \"Echo\"").hasMessageContaining("Nowhere");
        String crud = create("refusals-update");
        assertThatThrownBy(() -> sfn.updateStateMachine(b -> b.stateMachineArn(crud).definition(noResource)))
                .isInstanceOf(InvalidDefinitionException.class);
        assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(crud)).definition()).isEqualTo(DEFINITION);
        assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
                .doesNotContain("broken");
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
        assertThat(events.get(1).stateEnteredEventDetails().input()).isEqualTo("{\"a\":1}");
        assertThat(events.get(2).stateExitedEventDetails().name()).isEqualTo("Echo");
        assertThat(events.get(2).stateExitedEventDetails().output()).isEqualTo(d.output());
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
        String machine = create("idempotent", CALL_BLOCK);
        String input = "{\"n\":1}";
        var first = sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input));
        var repeat = sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input));

        assertThat(repeat.executionArn()).isEqualTo(first.executionArn());
        assertThat(repeat.startDate()).isEqualTo(first.startDate());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()).hasSize(1);
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("once")
                .input("{\"n\":2}")))
                .isInstanceOf(ExecutionAlreadyExistsException.class);

        // One execution, so one call of the function, which the stop interrupts.
        awaitEvent(service, first.executionArn(), HistoryEventType.LAMBDA_FUNCTION_STARTED);
        sfn.stopExecution(b -> b.executionArn(first.executionArn()));
        assertThat(blockInterrupted.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // A closed execution's name is taken whatever the input.
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("once").input(input)))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
        String unnamed = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
        assertThat(unnamed).matches(".*:execution:idempotent:[0-9a-f-]{36}");
        awaitEvent(service, unnamed, HistoryEventType.LAMBDA_FUNCTION_STARTED);
        sfn.stopExecution(b -> b.executionArn(unnamed));
        assertThat(blockInterrupted.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void stoppingAbortsTheExecutionAndInterruptsItsRun() throws Exception {
        String machine = create("stoppable", WAIT_AN_HOUR);
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
        awaitEvent(service, arn, HistoryEventType.WAIT_STATE_ENTERED);
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
        assertThat(events.get(1).stateEnteredEventDetails().name()).isEqualTo("Forever");
        assertThat(events.get(2).executionAbortedEventDetails().error()).isEqualTo("Cancelled");
    }

    @Test
    void stoppingATaskInterruptsTheFunctionItCalls() throws Exception {
        String machine = create("stoppable-task", CALL_BLOCK);
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\":7}")).executionArn();
        awaitEvent(service, arn, HistoryEventType.LAMBDA_FUNCTION_STARTED);
        assertThat(sfn.describeExecution(b -> b.executionArn(arn)).status()).isEqualTo(ExecutionStatus.RUNNING);

        sfn.stopExecution(b -> b.executionArn(arn));

        assertThat(blockInterrupted.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(sfn.describeExecution(b -> b.executionArn(arn)).status()).isEqualTo(ExecutionStatus.ABORTED);
        Thread.sleep(200);
        List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(arn)).events();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.TASK_STATE_ENTERED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULED,
                HistoryEventType.LAMBDA_FUNCTION_STARTED, HistoryEventType.EXECUTION_ABORTED);
        assertThat(events.get(2).lambdaFunctionScheduledEventDetails().resource()).isEqualTo(BLOCK);
        assertThat(events.get(2).lambdaFunctionScheduledEventDetails().input()).isEqualTo("{\"n\":7}");
    }

    @Test
    void aFailedExecutionIsRedrivenFromWhereItFailed() throws Exception {
        String machine = create("flaky", PASS_THEN_FLAKY);
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\":1}")).executionArn();
        assertThat(service.awaitCompletion(arn, PATIENCE).status())
                .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.FAILED);
        DescribeExecutionResponse failed = sfn.describeExecution(b -> b.executionArn(arn));
        assertThat(failed.error()).isEqualTo("Scripted.Error");
        assertThat(failed.cause()).isEqualTo("the first call fails");
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);

        var redriven = sfn.redriveExecution(b -> b.executionArn(arn));
        assertThat(service.awaitCompletion(arn, PATIENCE).status())
                .isEqualTo(dev.sluice.local.stepfunctions.ExecutionStatus.SUCCEEDED);

        DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
        // Second ran again with First's output, in the redriven execution, on the function's second call.
        assertThat(Json.parse(d.output())).isEqualTo(Json.parse("{\"step\":\"First\",\"redriveCount\":1,\"calls\":2}"));
        assertThat(d.redriveCount()).isEqualTo(1);
        assertThat(d.redriveDate()).isEqualTo(redriven.redriveDate());
        assertThat(d.error()).isNull();
        List<HistoryEvent> events = sfn.getExecutionHistory(b -> b.executionArn(arn)).events();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.PASS_STATE_ENTERED, HistoryEventType.PASS_STATE_EXITED,
                HistoryEventType.TASK_STATE_ENTERED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULED,
                HistoryEventType.LAMBDA_FUNCTION_STARTED, HistoryEventType.LAMBDA_FUNCTION_FAILED,
                HistoryEventType.EXECUTION_FAILED,
                HistoryEventType.EXECUTION_REDRIVEN,
                HistoryEventType.TASK_STATE_ENTERED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULED,
                HistoryEventType.LAMBDA_FUNCTION_STARTED, HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED,
                HistoryEventType.TASK_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED);
        assertThat(events).extracting(HistoryEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(3).stateEnteredEventDetails().name()).isEqualTo("Second");
        assertThat(events.get(4).lambdaFunctionScheduledEventDetails().resource()).isEqualTo(FLAKY);
        assertThat(events.get(6).lambdaFunctionFailedEventDetails().error()).isEqualTo("Scripted.Error");
        assertThat(events.get(6).lambdaFunctionFailedEventDetails().cause()).isEqualTo("the first call fails");
        assertThat(events.get(8).executionRedrivenEventDetails().redriveCount()).isEqualTo(1);
        assertThat(events.get(9).stateEnteredEventDetails().name()).isEqualTo("Second");
        assertThat(Json.parse(events.get(9).stateEnteredEventDetails().input()))
                .isEqualTo(Json.parse("{\"step\":\"First\"}"));
        assertThat(Json.parse(events.get(12).lambdaFunctionSucceededEventDetails().output()))
                .isEqualTo(Json.parse(d.output()));

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
