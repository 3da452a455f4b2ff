package dev.sluice.cdk;

import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.Topology;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * The resources the stack made for the topology's names, and what a {@code ${kind:name}} reference
 * resolves to on AWS: the one place where topology names meet CloudFormation tokens.
 */
final class Deployed {

    final Map<String, Table> tables = new LinkedHashMap<>();
    final Map<String, Queue> queues = new LinkedHashMap<>();
    final Map<String, Bucket> buckets = new LinkedHashMap<>();
    final Map<String, IEventBus> buses = new LinkedHashMap<>();
    /** By the bus they archive: what {@code sluice events replay} replays from. */
    final Map<String, software.amazon.awscdk.services.events.Archive> archives = new LinkedHashMap<>();
    /** By topology name: {@code sluice events replay --rule} replays to one of them (FilterArns). */
    final Map<String, software.amazon.awscdk.services.events.Rule> rules = new LinkedHashMap<>();
    final Map<String, StateMachine> stateMachines = new LinkedHashMap<>();
    final Map<String, WebSocketApi> webSocketApis = new LinkedHashMap<>();
    final Map<String, WebSocketStage> webSocketStages = new LinkedHashMap<>();
    /** Each function's {@code live} alias: what other functions invoke it by. */
    final Map<String, Alias> functionAliases = new LinkedHashMap<>();
    /** The service role Bedrock assumes for batch inference jobs, by model ({@code ${batchRole:MODEL}}). */
    final Map<String, software.amazon.awscdk.services.iam.Role> batchRoles = new LinkedHashMap<>();
    SearchStore searchStore;

    private final Topology topology;

    Deployed(Topology topology) {
        this.topology = topology;
    }

    Topology topology() {
        return topology;
    }

    /** What a function's environment gets for {@code reference} (profile values are resolved before this). */
    String resolve(Reference reference) {
        String name = reference.name();
        return switch (reference.kind()) {
            case TABLE -> get(tables, name, reference).getTableName();
            case QUEUE -> get(queues, name, reference).getQueueName();
            case QUEUE_URL -> get(queues, name, reference).getQueueUrl();
            case MAX_RECEIVE_COUNT -> String.valueOf(topology.queue(name).orElseThrow().deadLetter().maxReceiveCount());
            case BUS -> get(buses, name, reference).getEventBusName();
            case BUCKET -> get(buckets, name, reference).getBucketName();
            case STATE_MACHINE -> get(stateMachines, name, reference).getStateMachineArn();
            case FUNCTION_ARN -> get(functionAliases, name, reference).getFunctionArn();
            case WEB_SOCKET_MANAGEMENT -> managementUrl(name, reference);
            case SEARCH_INDEX -> name;
            case SEARCH_ENDPOINT -> searchStore.endpoint();
            case BATCH_ROLE -> get(batchRoles, name, reference).getRoleArn();
            case PROFILE, STATE_DIR -> throw new IllegalStateException(reference
                    + " cannot be deployed: profile values are resolved first, state paths are local only");
        };
    }

    private String managementUrl(String api, Reference reference) {
        WebSocketApi socket = get(webSocketApis, api, reference);
        return "https://" + socket.getApiId() + ".execute-api." + Aws.REGION + "." + Aws.URL_SUFFIX + "/"
                + webSocketStages.get(api).getStageName();
    }

    Function<Reference, String> resolver() {
        return this::resolve;
    }

    private static <T> T get(Map<String, T> made, String name, Reference reference) {
        T resource = made.get(name);
        if (resource == null) {
            throw new IllegalStateException(reference + ": the stack made no such resource");
        }
        return resource;
    }
}
