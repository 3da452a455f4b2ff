package dev.sluice.workers.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.dlq.DeadLetterOperations;
import dev.sluice.operations.dlq.ReplayListener;
import dev.sluice.operations.dlq.ReplayRequest;
import java.time.Clock;

/**
 * {@link DeadLetters} by the operations library, on the stack the function runs in. Each replay acts
 * as its caller: the audit names the caller's key as principal, and {@value AdminApi#VIA} as the way.
 * The library's records are answered as they are (their components are the JSON fields), so the API
 * and {@code sluice dlq ... --json} say the same thing.
 */
final class OperationsDeadLetters implements DeadLetters {

    private final EnvironmentDeployment deployment;
    private final Clock clock;

    OperationsDeadLetters(EnvironmentDeployment deployment, Clock clock) {
        this.deployment = deployment;
        this.clock = clock;
    }

    @Override
    public JsonNode list() {
        return Json.MAPPER.valueToTree(operations(deployment).list());
    }

    @Override
    public JsonNode peek(String dlq, int limit) {
        return Json.MAPPER.valueToTree(operations(deployment).peek(dlq, limit));
    }

    @Override
    public JsonNode replay(String dlq, Replay replay, String principal) {
        ReplayRequest request = new ReplayRequest(replay.match(), replay.ratePerSecond(), replay.limit(),
                replay.dryRun(), replay.force(), ReplayRequest.DEFAULT_MAX_REPLAYS, null, AdminApi.VIA);
        return Json.MAPPER.valueToTree(operations(deployment.actingAs(principal)).replay(dlq, request,
                ReplayListener.NONE));
    }

    private DeadLetterOperations operations(EnvironmentDeployment acting) {
        return new DeadLetterOperations(acting, new AuditLog(acting.dynamoDb(), acting.tableName(AuditLog.TABLE),
                clock), clock);
    }
}
