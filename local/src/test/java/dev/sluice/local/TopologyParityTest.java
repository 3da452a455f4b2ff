package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local runtime built from the real topology leaves nothing out: every queue with its settings
 * and redrive policy, every rule and target, every bucket, every function and event source mapping,
 * every on-failure destination, every table with its keys, indexes and TTL, every API, every state
 * machine with its definition,
 * every function's declared environment (resolved to resources the services know, profile values
 * from the local profile) and the SDK endpoints of exactly the services it uses. Asked through the
 * stock SDK clients, as an operator would ask AWS. Retention is not asked:
 * ElasticMQ 1.7.1 accepts MessageRetentionPeriod but neither reports nor enforces it, so locally
 * messages never expire (core's DefinitionsTest checks the declared retention instead).
 */
class TopologyParityTest {

    @TempDir
    static Path state;
    static Topology topology;
    static LocalRuntime runtime;
    static final Invocations invocations = new Invocations();

    @BeforeAll
    static void start() throws Exception {
        topology = Definitions.bundled().topology();
        runtime = LocalRuntime.start(topology, state, LocalRuntime.Options.defaults());
        runtime.lambda().addListener(invocations);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void everyQueueExistsWithItsSettingsAndRedrivePolicy() {
        try (SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            List<String> urls = sqs.listQueues().queueUrls();
            assertThat(urls.stream().map(u -> u.substring(u.lastIndexOf('/') + 1)))
                    .containsExactlyInAnyOrderElementsOf(topology.allQueueNames());
            for (QueueSpec q : topology.queues()) {
                Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b
                        .queueUrl(sqs.getQueueUrl(u -> u.queueName(q.name())).queueUrl())
                        .attributeNames(QueueAttributeName.ALL)).attributes();
                assertThat(a.get(QueueAttributeName.VISIBILITY_TIMEOUT)).as(q.name())
                        .isEqualTo(String.valueOf(q.visibilityTimeoutSeconds()));
                if (q.hasDeadLetterQueue()) {
                    JsonNode redrive = Json.parse(a.get(QueueAttributeName.REDRIVE_POLICY));
                    assertThat(redrive.get("deadLetterTargetArn").asText())
                            .isEqualTo(AwsIdentity.LOCAL.sqsArn(q.deadLetterQueueName()));
                    assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(q.deadLetter().maxReceiveCount());
                } else {
                    assertThat(a).doesNotContainKey(QueueAttributeName.REDRIVE_POLICY);
                }
            }
        }
    }

    @Test
    void everyRuleIsOnItsBusWithItsPatternAndTargets() {
        try (EventBridgeClient events = Clients.events(runtime.endpoints())) {
            for (String bus : topology.allEventBuses()) {
                List<Rule> listed = events.listRules(b -> b.eventBusName(bus)).rules();
                List<RuleSpec> declared = topology.rules().stream().filter(r -> r.eventBus().equals(bus)).toList();
                assertThat(listed).extracting(Rule::name)
                        .containsExactlyElementsOf(declared.stream().map(RuleSpec::name).toList());
                for (RuleSpec rule : declared) {
                    assertThat(events.describeRule(b -> b.eventBusName(bus).name(rule.name())).eventPattern())
                            .isEqualTo(rule.eventPattern());
                    List<Target> targets = events.listTargetsByRule(b -> b.eventBusName(bus).rule(rule.name()))
                            .targets();
                    assertThat(targets).extracting(Target::id)
                            .containsExactlyElementsOf(rule.targets().stream().map(TargetSpec::id).toList());
                }
            }
        }
    }

    @Test
    void everyBucketExists() {
        try (S3Client s3 = Clients.s3(runtime.endpoints())) {
            assertThat(s3.listBuckets().buckets()).extracting(Bucket::name)
                    .containsAll(topology.buckets().stream().map(b -> b.name()).toList());
        }
    }

    @Test
    void everyTableExistsWithItsKeysIndexesAndTimeToLive() {
        try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints())) {
            assertThat(dynamoDb.listTables().tableNames())
                    .containsExactlyInAnyOrderElementsOf(topology.tables().stream().map(TableSpec::name).toList());
            for (TableSpec table : topology.tables()) {
                TableDescription d = dynamoDb.describeTable(b -> b.tableName(table.name())).table();
                assertThat(d.keySchema()).extracting(KeySchemaElement::attributeName).as(table.name())
                        .containsExactlyElementsOf(table.sortKey() == null ? List.of(table.partitionKey().name())
                                : List.of(table.partitionKey().name(), table.sortKey().name()));
                assertThat(d.globalSecondaryIndexes()).extracting(GlobalSecondaryIndexDescription::indexName)
                        .as(table.name())
                        .containsExactlyInAnyOrderElementsOf(table.indexes().stream().map(TableSpec.Index::name).toList());
                if (table.timeToLiveAttribute() != null) {
                    assertThat(dynamoDb.describeTimeToLive(b -> b.tableName(table.name())).timeToLiveDescription()
                            .attributeName()).as(table.name()).isEqualTo(table.timeToLiveAttribute());
                }
            }
        }
    }

    @Test
    void everyApiIsServedAndItsKeyIsWrittenForClients() throws Exception {
        JsonNode endpoints = Json.parse(Files.readString(state.resolve(Endpoints.FILE)));
        assertThat(endpoints.get("api").asText()).startsWith("http://127.0.0.1:");
        ApiSpec ws = topology.apis().stream().filter(a -> a.protocol() == ApiSpec.Protocol.WEBSOCKET).findFirst()
                .orElseThrow();
        assertThat(endpoints.get("webSocket").asText()).startsWith("ws://127.0.0.1:").endsWith("/" + ws.stage());
        assertThat(endpoints.get("devApiKey").asText()).startsWith("sk_");
        // Each API's authorizer guards it, and a refusal is the API's declared gateway response.
        ApiSpec http = topology.apis().stream().filter(a -> a.protocol() == ApiSpec.Protocol.HTTP).findFirst()
                .orElseThrow();
        java.net.http.HttpResponse<String> keyless = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoints.get("api").asText() + "/v1/jobs"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        var unauthorized = http.gatewayResponse(dev.sluice.core.topology.GatewayResponseSpec.Type.UNAUTHORIZED)
                .orElseThrow();
        assertThat(keyless.statusCode()).isEqualTo(unauthorized.statusCode());
        assertThat(Json.parse(keyless.body())).isEqualTo(unauthorized.responseBody());
        assertThat(Files.isDirectory(state.resolve("apigateway").resolve(http.name()))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(Endpoints.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void everyStateMachineIsCreatedWithItsDefinition() {
        try (SfnClient sfn = Clients.sfn(runtime.endpoints())) {
            assertThat(sfn.listStateMachinesPaginator(b -> b.maxResults(10)).stateMachines())
                    .extracting(StateMachineListItem::name)
                    .containsExactlyInAnyOrderElementsOf(topology.stateMachines().stream()
                            .map(StateMachineSpec::name).toList());
            for (StateMachineSpec machine : topology.stateMachines()) {
                assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(AwsIdentity.LOCAL.stateMachineArn(
                        machine.name()))).definition()).as(machine.name()).isEqualTo(machine.definition(AwsIdentity.LOCAL::lambdaArn));
            }
        }
    }

    @Test
    void everyFunctionIsLoadedAndEveryTriggerPolls() {
        assertThat(runtime.lambda().names())
                .containsExactlyElementsOf(topology.functions().stream().map(FunctionSpec::name).toList());
        assertThat(runtime.eventSourceMappingCount())
                .isEqualTo((int) topology.functions().stream().filter(f -> f.sqsTrigger() != null).count());
    }

    @Test
    void everyFunctionHasItsDeclaredEnvironmentResolvedAgainstTheRunningResources() {
        Profile local = topology.profile(Profile.LOCAL).orElseThrow();
        try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints());
                SqsClient sqs = Clients.sqs(runtime.endpoints());
                EventBridgeClient events = Clients.events(runtime.endpoints());
                S3Client s3 = Clients.s3(runtime.endpoints());
                SfnClient sfn = Clients.sfn(runtime.endpoints());
                LambdaClient lambda = Clients.lambda(runtime.endpoints())) {
            for (FunctionSpec f : topology.functions()) {
                Map<String, String> env = runtime.lambda().function(f.name()).environment();
                f.environment().forEach((variable, template) -> {
                    String at = f.name() + " " + variable;
                    if (Reference.whole(template).isEmpty()) {
                        // A list of queue URLs or function ARNs by name: each reference resolved as the
                        // running service names it, the text around it kept.
                        assertThat(env.get(variable)).as(at).isEqualTo(Reference.substitute(template, q -> {
                            assertThat(q.kind()).as(at).isIn(Reference.Kind.QUEUE_URL, Reference.Kind.FUNCTION_ARN);
                            return q.kind() == Reference.Kind.QUEUE_URL
                                    ? sqs.getQueueUrl(b -> b.queueName(q.name())).queueUrl()
                                    : lambda.getFunction(b -> b.functionName(q.name())).configuration().functionArn();
                        }));
                        return;
                    }
                    Reference r = Reference.whole(template).orElseThrow();
                    if (r.kind() == Reference.Kind.PROFILE) {
                        String value = local.value(r.name());
                        if (value == null) {
                            assertThat(env).as(at + ": not set in the local profile").doesNotContainKey(variable);
                        } else if (value.startsWith("${stateDir:")) {
                            assertThat(env.get(variable)).as(at).isEqualTo(state.resolve(Reference.whole(value)
                                    .orElseThrow().name()).toAbsolutePath().toString());
                        } else {
                            assertThat(env.get(variable)).as(at).isEqualTo(value);
                        }
                        return;
                    }
                    String value = env.get(variable);
                    assertThat(value).as(at).isNotNull();
                    // Each resolved value names a resource the running service knows.
                    switch (r.kind()) {
                        case TABLE -> assertThat(dynamoDb.describeTable(b -> b.tableName(value)).table().tableName())
                                .isEqualTo(r.name());
                        case QUEUE -> assertThat(sqs.getQueueUrl(b -> b.queueName(value)).queueUrl()).endsWith("/" + r.name());
                        case QUEUE_URL -> assertThat(value).isEqualTo(sqs.getQueueUrl(b -> b.queueName(r.name())).queueUrl());
                        case MAX_RECEIVE_COUNT -> assertThat(Json.parse(sqs.getQueueAttributes(b -> b.queueUrl(
                                sqs.getQueueUrl(u -> u.queueName(r.name())).queueUrl()).attributeNames(
                                QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY))
                                .get("maxReceiveCount").asText()).as(at).isEqualTo(value);
                        case BUS -> assertThat(events.describeEventBus(b -> b.name(value)).name()).isEqualTo(r.name());
                        case BUCKET -> s3.headBucket(b -> b.bucket(value));
                        case STATE_MACHINE -> assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(value)).name())
                                .isEqualTo(r.name());
                        case FUNCTION_ARN -> assertThat(lambda.getFunction(b -> b.functionName(value))
                                .configuration().functionName()).as(at).isEqualTo(r.name());
                        case WEB_SOCKET_MANAGEMENT -> assertThat(value).as(at)
                                .isEqualTo(runtime.endpoints().webSocketManagement().toString());
                        default -> throw new AssertionError(at + ": " + r + " has no local check");
                    }
                });
            }
        }
    }

    @Test
    void eachFunctionGetsTheSdkEndpointsOfTheServicesItUsesAndNoOthers() {
        Endpoints e = runtime.endpoints();
        Map<ResourceKind, Map.Entry<String, String>> local = Map.of(
                ResourceKind.TABLE, Map.entry("AWS_ENDPOINT_URL_DYNAMODB", e.dynamodb().toString()),
                ResourceKind.QUEUE, Map.entry("AWS_ENDPOINT_URL_SQS", e.sqs().toString()),
                ResourceKind.BUS, Map.entry("AWS_ENDPOINT_URL_EVENTBRIDGE", e.events().toString()),
                ResourceKind.BUCKET, Map.entry("AWS_ENDPOINT_URL_S3", e.s3().toString()),
                ResourceKind.STATE_MACHINE, Map.entry("AWS_ENDPOINT_URL_SFN", e.stepFunctions().toString()),
                ResourceKind.FUNCTION, Map.entry("AWS_ENDPOINT_URL_LAMBDA", e.lambda().toString()));
        for (FunctionSpec f : topology.functions()) {
            Map<String, String> expected = new java.util.TreeMap<>();
            f.uses().stream().map(u -> local.get(u.kind())).filter(java.util.Objects::nonNull)
                    .forEach(endpoint -> expected.put(endpoint.getKey(), endpoint.getValue()));
            // Of Bedrock, the local runtime serves batch inference (the control plane) only.
            if (f.uses().stream().anyMatch(u -> u.kind() == ResourceKind.MODEL && u.allows("batch-inference"))) {
                expected.put("AWS_ENDPOINT_URL_BEDROCK", e.bedrock().toString());
            }
            Map<String, String> env = runtime.lambda().function(f.name()).environment();
            Map<String, String> endpoints = new java.util.TreeMap<>(env);
            endpoints.keySet().removeIf(k -> !k.startsWith("AWS_ENDPOINT_URL"));
            assertThat(endpoints).as(f.name()).isEqualTo(expected);
            assertThat(env).as(f.name()).containsKeys(FunctionEnvironments.LAMBDA_PROVIDED.toArray(String[]::new))
                    .containsEntry("AWS_LAMBDA_FUNCTION_NAME", f.name());
        }
        // The notifier touches tables and the WebSocket API only: no queue, bus or bucket endpoint.
        assertThat(runtime.lambda().function("notifier").environment())
                .containsKey("AWS_ENDPOINT_URL_DYNAMODB").doesNotContainKeys("AWS_ENDPOINT_URL_SQS",
                        "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL_SFN");
    }

    @Test
    void everyOnFailureDestinationIsTheQueueItNames() {
        assertThat(topology.functions()).anyMatch(f -> f.onFailure() != null);
        try (SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            for (FunctionSpec f : topology.functions()) {
                if (f.onFailure() == null) {
                    assertThat(runtime.lambda().onFailureDestination(f.name())).as(f.name()).isEmpty();
                    continue;
                }
                String url = sqs.getQueueUrl(b -> b.queueName(f.onFailure().queue())).queueUrl();
                String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                assertThat(runtime.lambda().onFailureDestination(f.name())).as(f.name()).contains(arn);
            }
        }
    }

    @Test
    void endpointsJsonNamesEveryServiceOnLoopback() throws Exception {
        JsonNode endpoints = Json.parse(Files.readString(state.resolve(Endpoints.FILE)));
        assertThat(endpoints.get("region").asText()).isEqualTo("us-east-1");
        for (String service : List.of("sqs", "dynamodb", "events", "s3", "stepFunctions")) {
            assertThat(endpoints.get(service).asText()).as(service).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void eachSampleJobReachesTheWorkerOfItsLaneAndIsAccepted() throws Exception {
        Map<String, String> functionBySample = Map.of(
                "job-submitted-ai-high.json", "ai-worker-high",
                "job-submitted-ai-normal.json", "ai-worker",
                "job-submitted-analytics.json", "analytics-worker",
                "job-submitted-email.json", "email-worker");
        Map<String, JsonNode> samples = Definitions.bundled().sampleEvents();
        try (EventBridgeClient events = Clients.events(runtime.endpoints())) {
            functionBySample.forEach((sample, function) -> {
                JsonNode event = samples.get(sample);
                var response = events.putEvents(b -> b.entries(e -> e.eventBusName("sluice-jobs")
                        .source(event.get("source").asText()).detailType(event.get("detail-type").asText())
                        .detail(Json.write(event.get("detail")))));
                assertThat(response.failedEntryCount()).isZero();
            });
        }
        for (var entry : functionBySample.entrySet()) {
            String jobId = samples.get(entry.getKey()).get("detail").get("jobId").asText();
            invocations.await(Duration.ofSeconds(20), jobId + " at " + entry.getValue(), all -> all.stream()
                    .anyMatch(i -> i.function().equals(entry.getValue())
                            && i.bodies().stream().anyMatch(b -> b.contains(jobId))));
            Invocations.Invocation invocation = invocations.of(entry.getValue()).stream()
                    .filter(i -> i.bodies().stream().anyMatch(b -> b.contains(jobId))).findFirst().orElseThrow();
            assertThat(invocation.error()).isNull();
            assertThat(Json.parse(invocation.response()).get("batchItemFailures")).isEmpty();
        }
        // Each job went to exactly one lane.
        assertThat(invocations.all().stream().mapToInt(i -> i.bodies().size()).sum()).isEqualTo(4);
    }
}
