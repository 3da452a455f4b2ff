package dev.sluice.operations.executions;

import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.UnknownResourceException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;

/**
 * {@code sluice executions list|history|redrive}: the executions of the topology's state machines,
 * what happened in one, state by state, and {@code RedriveExecution} where it helps. Redrive restarts
 * an execution from the state that failed; an execution that failed through a Catch ended in a Fail
 * state, and a redrive would only enter it again: such executions are refused, with the command that
 * does help ({@code sluice documents retry}). Audited {@code executions.redrive}.
 */
public final class Executions {

    public static final String OPERATION = "executions.redrive";
    private static final Pattern DOCUMENT_NAME = Pattern.compile(
            "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-");

    /** An execution RedriveExecution cannot help, said in one line. */
    public static final class NotRedrivableException extends IllegalArgumentException {
        public NotRedrivableException(String message) {
            super(message);
        }
    }

    private final Deployment deployment;
    private final AuditLog audit;

    public Executions(Deployment deployment, Clock clock) {
        this.deployment = deployment;
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
    }

    /**
     * Executions of every machine (or {@code machine}), newest first.
     *
     * @param status null for any
     * @param since  null for all time; else started at or after it
     * @throws UnknownResourceException the topology has no such machine
     */
    public List<ExecutionSummary> list(String machine, ExecutionStatus status, Instant since) {
        List<String> machines = deployment.topology().stateMachines().stream().map(StateMachineSpec::name).toList();
        if (machine != null && !machines.contains(machine)) {
            throw new UnknownResourceException("state machine", machine, machines);
        }
        List<ExecutionSummary> found = new ArrayList<>();
        for (String name : machine != null ? List.of(machine) : machines) {
            String arn = deployment.stateMachineArn(name);
            String token = null;
            page:
            do {
                String from = token;
                ListExecutionsResponse page = deployment.stepFunctions().listExecutions(b -> b.stateMachineArn(arn)
                        .statusFilter(status).nextToken(from).maxResults(100));
                for (ExecutionListItem e : page.executions()) {
                    // newest first: once one started before the window, so did the rest
                    if (since != null && e.startDate().isBefore(since)) {
                        break page;
                    }
                    found.add(new ExecutionSummary(name, e.executionArn(), e.name(), e.statusAsString(), e.startDate(),
                            e.stopDate(), documentId(e.name())));
                }
                token = page.nextToken();
            } while (token != null);
        }
        found.sort(Comparator.comparing(ExecutionSummary::start).reversed());
        return found;
    }

    /** Every page of the execution's history, folded state by state. */
    public ExecutionHistory history(String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        String token = null;
        do {
            String from = token;
            GetExecutionHistoryResponse page = deployment.stepFunctions().getExecutionHistory(b -> b
                    .executionArn(executionArn).nextToken(from).maxResults(1000).includeExecutionData(false));
            events.addAll(page.events());
            token = page.nextToken();
        } while (token != null);
        return ExecutionHistory.of(executionArn, events);
    }

    /**
     * {@code RedriveExecution}, audited, for an execution that failed outside any Catch.
     *
     * @throws NotRedrivableException it did not fail, or it failed through a Catch; nothing was done
     */
    public AuditRecord redrive(String executionArn, String via) {
        ExecutionHistory history = history(executionArn);
        if (!List.of("FAILED", "TIMED_OUT", "ABORTED").contains(history.status())) {
            throw new NotRedrivableException("execution " + executionArn + " is " + history.status()
                    + ": only a FAILED, TIMED_OUT or ABORTED execution can be redriven");
        }
        if (history.endedInFailState()) {
            String path = history.catchPath();
            String document = documentId(executionArn.substring(executionArn.lastIndexOf(':') + 1));
            throw new NotRedrivableException("execution ended through its Catch" + (path == null ? "" : " (" + path + ")")
                    + ": a redrive would only fail again; start a fresh run with `sluice documents retry "
                    + (document != null ? document : "DOCUMENT_ID") + "`");
        }
        StateVisit failed = history.failedIn();
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, executionArn,
                Map.of("status", history.status(), "failedIn", failed == null ? "" : failed.name()), false);
        try {
            deployment.stepFunctions().redriveExecution(b -> b.executionArn(executionArn));
        } catch (RuntimeException e) {
            audit.finish(started, AuditRecord.Outcome.FAILED, Map.of("redriven", 0L), e.getMessage());
            throw e;
        }
        return audit.finish(started, AuditRecord.Outcome.SUCCEEDED, Map.of("redriven", 1L), null);
    }

    /** The document an ingestion's name ({@code {documentId}-{etag}...}) gives; null for other names. */
    static String documentId(String executionName) {
        Matcher m = DOCUMENT_NAME.matcher(executionName);
        return m.find() ? m.group(1) : null;
    }
}
