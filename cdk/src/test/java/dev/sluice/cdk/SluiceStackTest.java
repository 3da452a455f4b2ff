package dev.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.ArtifactSpec;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The dev stack against the topology: every element of it is in the template with its settings,
 * so the parity the local runtime's TopologyParityTest proves holds for the CDK app too.
 */
class SluiceStackTest {

    private final Synthesized dev = Synthesized.stage("dev");
    private final Topology topology = Synthesized.DEFINITIONS.topology();
    private final DeploymentSpec deployment = Synthesized.DEFINITIONS.deployment("dev");
    private final Profile profile = topology.profile("dev").orElseThrow();

    @Test
    void everyQueueAndItsDlqCarryTheTopologysSettingsEncryptedWithTheStackKey() {
        assertThat(dev.resources("AWS::SQS::Queue")).hasSize(topology.allQueueNames().size());
        String key = dev.resource("AWS::KMS::Key", "Key").getKey();
        for (QueueSpec spec : topology.queues()) {
            JsonNode queue = dev.resource("AWS::SQS::Queue", "Queue" + LogicalIds.of(spec.name())).getValue()
                    .path("Properties");
            assertThat(queue.path("VisibilityTimeout").asInt()).as(spec.name()).isEqualTo(spec.visibilityTimeoutSeconds());
            assertThat(queue.path("MessageRetentionPeriod").asInt()).as(spec.name()).isEqualTo(spec.retentionSeconds());
            assertThat(Synthesized.ref(queue.path("KmsMasterKeyId"))).as(spec.name()).isEqualTo(key);
            if (spec.hasDeadLetterQueue()) {
                var dlq = dev.resource("AWS::SQS::Queue", "Queue" + LogicalIds.of(spec.deadLetterQueueName()));
                assertThat(queue.path("RedrivePolicy").path("maxReceiveCount").asInt()).as(spec.name())
                        .isEqualTo(spec.deadLetter().maxReceiveCount());
                assertThat(Synthesized.ref(queue.path("RedrivePolicy").path("deadLetterTargetArn")))
                        .isEqualTo(dlq.getKey());
                assertThat(dlq.getValue().path("Properties").path("MessageRetentionPeriod").asInt())
                        .isEqualTo(spec.deadLetter().retentionSeconds());
            } else {
                assertThat(queue.has("RedrivePolicy")).as(spec.name()).isFalse();
            }
        }
        // TLS only: every queue's policy denies aws:SecureTransport false.
        assertThat(dev.resources("AWS::SQS::QueuePolicy").values().stream()
                .filter(p -> p.toString().contains("aws:SecureTransport")).flatMap(p -> Synthesized
                        .refs(p.path("Properties").path("Queues")).stream()).distinct().count())
                .isEqualTo(topology.allQueueNames().size());
    }

    @Test
    void everyTableIsOnDemandWithRecoveryItsTtlAndTheIndexesTheStoresQuery() {
        assertThat(dev.resources("AWS::DynamoDB::Table")).hasSize(topology.tables().size());
        for (TableSpec spec : topology.tables()) {
            JsonNode table = dev.resource("AWS::DynamoDB::Table", "Table" + LogicalIds.of(spec.name())).getValue()
                    .path("Properties");
            assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean())
                    .as(spec.name()).isTrue();
            assertThat(table.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo(spec.partitionKey().name());
            if (spec.timeToLiveAttribute() != null) {
                assertThat(table.path("TimeToLiveSpecification").path("AttributeName").asText())
                        .isEqualTo(spec.timeToLiveAttribute());
            }
            List<String> indexes = new ArrayList<>();
            table.path("GlobalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
            assertThat(indexes).containsExactlyInAnyOrderElementsOf(spec.indexes().stream()
                    .map(TableSpec.Index::name).toList());
        }
    }

    @Test
    void everyBucketIsVersionedPrivateTlsOnlyAndNotifiesEventBridgeWhereTheTopologySays() {
        for (BucketSpec spec : topology.buckets()) {
            var bucket = dev.resource("AWS::S3::Bucket", "Bucket" + LogicalIds.of(spec.name()));
            JsonNode props = bucket.getValue().path("Properties");
            assertThat(props.path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
            assertThat(props.path("PublicAccessBlockConfiguration").path("RestrictPublicBuckets").asBoolean()).isTrue();
            assertThat(props.path("LifecycleConfiguration").path("Rules").size()).isPositive();
            assertThat(props.path("NotificationConfiguration").path("EventBridgeConfiguration")
                    .path("EventBridgeEnabled").asBoolean()).as(spec.name()).isEqualTo(spec.eventBridge());
            assertThat(dev.resources("AWS::S3::BucketPolicy").values().stream()
                    .anyMatch(p -> bucket.getKey().equals(Synthesized.ref(p.path("Properties").path("Bucket")))
                            && p.toString().contains("aws:SecureTransport"))).as(spec.name()).isTrue();
        }
    }

    @Test
    void everyRuleHasItsPatternExactlyAndItsTargetsWithRetryPolicyAndDlq() throws IOException {
        for (RuleSpec spec : topology.rules()) {
            JsonNode rule = dev.resource("AWS::Events::Rule", "Rule" + LogicalIds.of(spec.name())).getValue()
                    .path("Properties");
            JsonNode pattern = Json.MAPPER.readTree(spec.eventPattern());
            if (pattern.path("detail").has("bucket")) {
                // S3's events name the bucket: the deployed one, which CloudFormation names.
                var names = (com.fasterxml.jackson.databind.node.ArrayNode) pattern.path("detail").path("bucket").path("name");
                for (int n = 0; n < names.size(); n++) {
                    String bucket = dev.resource("AWS::S3::Bucket", "Bucket" + LogicalIds.of(names.get(n).asText())).getKey();
                    names.set(n, Json.MAPPER.createObjectNode().put("Ref", bucket));
                }
            }
            assertThat(rule.path("EventPattern")).as(spec.name()).isEqualTo(pattern);
            if (spec.eventBus().equals(Topology.DEFAULT_BUS)) {
                assertThat(rule.path("EventBusName").asText("default")).isEqualTo("default");
            }
            assertThat(rule.path("Targets")).hasSize(spec.targets().size());
            for (int i = 0; i < spec.targets().size(); i++) {
                TargetSpec target = spec.targets().get(i);
                JsonNode made = rule.path("Targets").get(i);
                TargetSpec.RetryPolicy retry = target.retryPolicy() == null ? TargetSpec.RetryPolicy.AWS_DEFAULT
                        : target.retryPolicy();
                assertThat(made.path("RetryPolicy").path("MaximumRetryAttempts").asInt())
                        .isEqualTo(retry.maximumRetryAttempts());
                assertThat(made.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt())
                        .isEqualTo(retry.maximumEventAgeSeconds());
                assertThat(Synthesized.ref(made.path("DeadLetterConfig").path("Arn"))).startsWith(
                        "Queue" + LogicalIds.of(target.deadLetterQueue()));
                String expected = switch (target.kind()) {
                    case SQS -> "Queue" + LogicalIds.of(target.resource());
                    case LAMBDA -> "Function" + LogicalIds.of(target.resource()) + "Alias";
                    case STATE_MACHINE -> "StateMachine" + LogicalIds.of(target.resource());
                };
                assertThat(Synthesized.ref(made.path("Arn"))).as(spec.name()).matches(expected + "[0-9A-F]{8}");
            }
        }
        var archive = dev.resources("AWS::Events::Archive").values().iterator().next().path("Properties");
        assertThat(archive.path("RetentionDays").asInt()).isEqualTo(deployment.archiveRetentionDays());
        // Replayed events are not archived again: a second replay of a window must not repeat the first's.
        assertThat(archive.at("/EventPattern/replay-name/0/exists").isBoolean()).isTrue();
        assertThat(archive.at("/EventPattern/replay-name/0/exists").asBoolean()).isFalse();
        assertThat(archive.at("/EventPattern/account").isArray()).isTrue();
    }

    @Test
    void everyFunctionIsJava21OnItsArchitectureWithSnapStartTracingItsLimitsAndExactlyItsEnvironment() {
        for (FunctionSpec spec : topology.functions()) {
            JsonNode fn = dev.resource("AWS::Lambda::Function", "Function" + LogicalIds.of(spec.name())).getValue()
                    .path("Properties");
            ArtifactSpec artifact = topology.artifact(spec.artifact()).orElseThrow();
            assertThat(fn.path("Runtime").asText()).isEqualTo("java21");
            assertThat(fn.path("Handler").asText()).isEqualTo(spec.handler());
            assertThat(fn.path("Architectures").get(0).asText()).isEqualTo(artifact.architecture());
            assertThat(fn.path("MemorySize").asInt()).as(spec.name()).isEqualTo(deployment.memoryMb(spec));
            assertThat(fn.path("Timeout").asInt()).isEqualTo(spec.timeoutSeconds());
            assertThat(fn.path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
            assertThat(fn.path("TracingConfig").path("Mode").asText()).isEqualTo("Active");
            Set<String> expected = new TreeSet<>(profile.resolve(spec.environment(), r -> "-").keySet());
            assertThat(names(fn.path("Environment").path("Variables")))
                    .as(spec.name()).isEqualTo(expected);
            spec.environment().forEach((variable, template) -> {
                List<String> refs = Synthesized.refs(fn.path("Environment").path("Variables").path(variable));
                for (var reference : Reference.in(template)) {
                    String prefix = switch (reference.kind()) {
                        case TABLE -> "Table";
                        case QUEUE, QUEUE_URL -> "Queue";
                        case BUCKET -> "Bucket";
                        case BUS -> "Bus";
                        case STATE_MACHINE -> "StateMachine";
                        default -> null;
                    };
                    if (prefix != null) {
                        assertThat(refs).as(spec.name() + " " + variable + " resolves " + reference)
                                .anyMatch(r -> r.matches(prefix + LogicalIds.of(reference.name()) + "[0-9A-F]{8}"));
                    }
                }
            });
        }
        assertThat(dev.resources("AWS::Lambda::Alias").values()).allSatisfy(alias ->
                assertThat(alias.path("Properties").path("Name").asText()).isEqualTo(Functions.ALIAS));
    }

    @Test
    void everySqsTriggerIsAMappingOnTheAliasWithItsBatchSettingsAndPartialFailures() {
        var mappings = dev.resources("AWS::Lambda::EventSourceMapping").values();
        for (FunctionSpec spec : topology.functions()) {
            if (spec.sqsTrigger() == null) {
                continue;
            }
            JsonNode mapping = mappings.stream().map(m -> m.path("Properties"))
                    .filter(m -> Synthesized.refs(m.path("EventSourceArn")).stream()
                            .anyMatch(r -> r.matches("Queue" + LogicalIds.of(spec.sqsTrigger().queue()) + "[0-9A-F]{8}")))
                    .findFirst().orElseThrow(() -> new AssertionError("no mapping for " + spec.name()));
            assertThat(mapping.path("FunctionName").toString()).contains("Function" + LogicalIds.of(spec.name()) + "Alias");
            assertThat(mapping.path("BatchSize").asInt()).isEqualTo(spec.sqsTrigger().batchSize());
            assertThat(mapping.path("ScalingConfig").path("MaximumConcurrency").asInt())
                    .isEqualTo(spec.sqsTrigger().maximumConcurrency());
            assertThat(mapping.path("FunctionResponseTypes").toString()).contains("ReportBatchItemFailures");
            assertThat(mapping.path("MaximumBatchingWindowInSeconds").asInt(0))
                    .isEqualTo(spec.sqsTrigger().maximumBatchingWindowSeconds());
        }
        assertThat(mappings).hasSize((int) topology.functions().stream().filter(f -> f.sqsTrigger() != null).count());
    }

    @Test
    void schedulesAndTheOnFailureDestinationComeFromTheTopology() {
        for (FunctionSpec spec : topology.functions()) {
            if (spec.schedule() != null) {
                JsonNode rule = dev.resource("AWS::Events::Rule", "Function" + LogicalIds.of(spec.name()) + "Schedule")
                        .getValue().path("Properties");
                assertThat(rule.path("ScheduleExpression").asText()).isEqualTo(spec.schedule());
                assertThat(rule.path("Targets").toString()).contains("Function" + LogicalIds.of(spec.name()) + "Alias");
            }
            if (spec.onFailure() != null) {
                JsonNode config = dev.template.path("Resources").path("Function" + LogicalIds.of(spec.name())
                        + "AsyncInvoke").path("Properties");
                assertThat(config.path("Qualifier").asText()).isEqualTo(Functions.ALIAS);
                assertThat(Synthesized.ref(config.path("DestinationConfig").path("OnFailure").path("Destination")))
                        .startsWith("Queue" + LogicalIds.of(spec.onFailure().queue()));
            }
        }
    }

    @Test
    void everyStateMachinePlaceholderNamesTheAliasOfItsFunctionAndTheMachineLogsAllAndTraces() {
        for (StateMachineSpec spec : topology.stateMachines()) {
            JsonNode machine = dev.resource("AWS::StepFunctions::StateMachine", "StateMachine" + LogicalIds.of(spec.name()))
                    .getValue().path("Properties");
            JsonNode substitutions = machine.path("DefinitionSubstitutions");
            assertThat(names(substitutions)).isEqualTo(new TreeSet<>(spec.functionReferences()));
            for (String function : spec.functionReferences()) {
                String alias = Synthesized.ref(substitutions.path(function));
                assertThat(alias).as(function).matches("Function" + LogicalIds.of(function) + "Alias[0-9A-F]{8}");
                assertThat(dev.template.path("Resources").path(alias).path("Type").asText()).isEqualTo("AWS::Lambda::Alias");
            }
            assertThat(machine.path("LoggingConfiguration").path("Level").asText()).isEqualTo("ALL");
            assertThat(machine.path("TracingConfiguration").path("Enabled").asBoolean()).isTrue();
        }
    }

    @Test
    void theRestApiHasEveryRouteBehindTheCachedAuthorizerAndTheUsagePlansEnforceTheTopologysLimits() {
        ApiSpec spec = topology.api("sluice-api").orElseThrow();
        var methods = dev.resources("AWS::ApiGateway::Method").values().stream().map(m -> m.path("Properties")).toList();
        assertThat(methods.stream().map(m -> m.path("HttpMethod").asText() + " " + path(m.path("ResourceId"))))
                .containsExactlyInAnyOrderElementsOf(spec.routes());
        assertThat(methods).allSatisfy(m -> {
            assertThat(m.path("AuthorizationType").asText()).isEqualTo("CUSTOM");
            assertThat(m.path("ApiKeyRequired").asBoolean()).isTrue();
        });
        JsonNode api = dev.resources("AWS::ApiGateway::RestApi").values().iterator().next().path("Properties");
        assertThat(api.path("ApiKeySourceType").asText()).isEqualTo("AUTHORIZER");
        JsonNode authorizer = dev.resources("AWS::ApiGateway::Authorizer").values().iterator().next().path("Properties");
        assertThat(authorizer.path("AuthorizerResultTtlInSeconds").asInt()).isEqualTo(300);
        assertThat(authorizer.path("IdentitySource").asText()).isEqualTo(String.join(",", spec.authorizer().identitySource()));
        var plans = dev.resources("AWS::ApiGateway::UsagePlan").values().stream().map(p -> p.path("Properties")).toList();
        assertThat(plans).hasSize(spec.usagePlans().size());
        UsagePlanSpec standard = spec.usagePlan(UsagePlanSpec.DEFAULT).orElseThrow();
        JsonNode made = plans.stream().filter(p -> p.path("UsagePlanName").asText().endsWith("-default")).findFirst().orElseThrow();
        assertThat(made.path("Throttle").path("RateLimit").asDouble()).isEqualTo(standard.throttle().rateLimit());
        assertThat(made.path("Throttle").path("BurstLimit").asInt()).isEqualTo(standard.throttle().burstLimit());
        assertThat(made.path("Quota").path("Limit").asLong()).isEqualTo(standard.quota().limit());
        assertThat(made.path("Quota").path("Period").asText()).isEqualTo(standard.quota().period().name());
        assertThat(dev.resources("AWS::ApiGateway::GatewayResponse")).hasSize(spec.gatewayResponses().size());
        assertThat(dev.resources("AWS::WAFv2::WebACL").values().iterator().next().toString())
                .contains("AWSManagedRulesCommonRuleSet").contains("RateBasedStatement");
        assertThat(dev.resources("AWS::ApiGateway::Stage").values().iterator().next().path("Properties")
                .has("AccessLogSetting")).isTrue();
    }

    @Test
    void theWebSocketApiAuthorizesConnectAndLogsAccess() {
        ApiSpec spec = topology.api("sluice-ws").orElseThrow();
        var routes = dev.resources("AWS::ApiGatewayV2::Route").values().stream().map(r -> r.path("Properties")).toList();
        assertThat(routes.stream().map(r -> r.path("RouteKey").asText())).containsExactlyInAnyOrderElementsOf(spec.routes());
        assertThat(routes).allSatisfy(r -> assertThat(r.path("AuthorizationType").asText())
                .isEqualTo(r.path("RouteKey").asText().equals("$connect") ? "CUSTOM" : "NONE"));
        JsonNode stage = dev.resources("AWS::ApiGatewayV2::Stage").values().iterator().next().path("Properties");
        assertThat(stage.path("StageName").asText()).isEqualTo(spec.stage());
        assertThat(stage.has("AccessLogSettings")).isTrue();
    }

    @Test
    void theSearchIndexIsCreatedWithTheBodyOpenSearchVectorIndexCreates() throws IOException {
        JsonNode index = dev.resources("Custom::SluiceSearchIndex").values().iterator().next().path("Properties");
        int dimensions = Integer.parseInt(profile.value("embeddingDimensions"));
        assertThat(index.path("Dimensions").asText()).isEqualTo(String.valueOf(dimensions));
        assertThat(Json.MAPPER.readTree(index.path("Index").asText()))
                .isEqualTo(Json.MAPPER.readTree(OpenSearchVectorIndex.indexBody(dimensions)));
        assertThat(index.path("IndexName").asText()).isEqualTo(topology.searchIndexes().get(0));
        assertThat(index.path("Service").asText()).isEqualTo(profile.value("openSearchService"));
    }

    @Test
    void everyFunctionShipsTheSplitBundleOfItsArtifactAsBuilt() throws Exception {
        JsonNode assets = Json.MAPPER.readTree(dev.outdir.resolve(SluiceStack.name("dev") + ".assets.json").toFile())
                .path("files");
        for (FunctionSpec spec : topology.functions()) {
            JsonNode fn = dev.resource("AWS::Lambda::Function", "Function" + LogicalIds.of(spec.name())).getValue();
            String hash = fn.path("Properties").path("Code").path("S3Key").asText().replace(".jar", "");
            Path shipped = dev.outdir.resolve(assets.path(hash).path("source").path("path").asText());
            Path built = Synthesized.ROOT.resolve(topology.artifact(spec.artifact()).orElseThrow().jar());
            assertThat(sha256(shipped)).as(spec.name() + " ships " + built).isEqualTo(sha256(built));
            assertThat(assets.toString()).contains(hash);
        }
        assertThat(topology.functions().stream().map(FunctionSpec::artifact).distinct())
                .containsExactlyInAnyOrderElementsOf(topology.artifacts().stream().map(ArtifactSpec::name).toList());
    }

    @Test
    void everyTableQueueBucketStateMachineFunctionAndEndpointIsAStackOutput() {
        Set<String> outputs = new TreeSet<>();
        dev.template.path("Outputs").forEach(o -> outputs.add(o.path("Description").asText()));
        topology.tables().forEach(t -> assertThat(outputs).contains("table:" + t.name()));
        topology.allQueueNames().forEach(q -> assertThat(outputs).contains("queueUrl:" + q));
        topology.buckets().forEach(b -> assertThat(outputs).contains("bucket:" + b.name()));
        topology.stateMachines().forEach(s -> assertThat(outputs).contains("stateMachine:" + s.name()));
        topology.functions().forEach(f -> assertThat(outputs).contains("function:" + f.name()));
        topology.apis().forEach(a -> assertThat(outputs).contains("api:" + a.name()));
        topology.searchIndexes().forEach(i -> assertThat(outputs).contains("searchEndpoint:" + i));
        assertThat(outputs).contains("webSocketManagement:sluice-ws", "topic:alarms");
        // sluice events replay: StartReplay from the bus's archive, FilterArns naming one rule
        topology.eventBuses().forEach(b -> assertThat(outputs).contains("archive:" + b));
        topology.rules().forEach(r -> assertThat(outputs).contains("rule:" + r.name()));
    }

    @Test
    void everyTaggableResourceCarriesTheCostAllocationTags() {
        for (String type : List.of("AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Lambda::Function",
                "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::StepFunctions::StateMachine", "AWS::SNS::Topic")) {
            assertThat(dev.resources(type).values()).as(type).allSatisfy(r -> {
                Set<String> keys = new TreeSet<>();
                r.path("Properties").path("Tags").forEach(t -> keys.add(t.path("Key").asText()));
                if (keys.isEmpty()) { // Step Functions writes its tags as {Key, Value} too; DynamoDB, Lambda as a list
                    r.path("Properties").path("Tags").fieldNames().forEachRemaining(keys::add);
                }
                assertThat(keys).contains("Project", "Environment", "Team", "CostCenter", "ManagedBy");
            });
        }
    }

    @Test
    void alarmsWatchEveryDlqsDepthEveryQueuesAgeEveryFunctionTheCostAndEveryPlanAndGoToTheEncryptedTopic() {
        var alarms = dev.resources("AWS::CloudWatch::Alarm");
        // A work queue has a DLQ of its own; every other queue (its DLQ, a terminal queue) is where failures end.
        long work = topology.queues().stream().filter(QueueSpec::hasDeadLetterQueue).count();
        long dlqs = topology.allQueueNames().size() - work;
        long plans = topology.apis().stream().mapToLong(a -> a.usagePlans().size()).sum();
        assertThat(alarms).hasSize((int) (2 * dlqs + work + 2L * topology.functions().size() + 1 + plans));
        String topic = dev.resource("AWS::SNS::Topic", "AlarmTopic").getKey();
        assertThat(alarms.values()).allSatisfy(a -> assertThat(Synthesized.refs(a.path("Properties").path("AlarmActions")))
                .containsExactly(topic));
        assertThat(dev.resource("AWS::SNS::Topic", "AlarmTopic").getValue().path("Properties").has("KmsMasterKeyId")).isTrue();
        assertThat(dev.resources("AWS::CloudWatch::Dashboard")).hasSize(1);
        assertThat(dev.resource("AWS::KMS::Key", "Key").getValue().path("Properties").path("EnableKeyRotation")
                .asBoolean()).isTrue();
    }

    /**
     * JSON the app writes into the template has its keys sorted, and math alarms list their metrics by
     * id: Map.of iterates in an order that changes with each JVM, and a template that changes at every
     * synth would update these resources at every deploy.
     */
    @Test
    void theTemplateDoesNotDependOnTheOrderMapsIterateIn() throws IOException {
        JsonNode stage = dev.resources("AWS::ApiGatewayV2::Stage").values().iterator().next();
        assertSortedKeys(Json.MAPPER.readTree(stage.path("Properties").path("AccessLogSettings").path("Format").asText()));
        String logsPolicy = dev.resources("AWS::Logs::ResourcePolicy").values().iterator().next()
                .path("Properties").path("PolicyDocument").toString();
        assertThat(logsPolicy.indexOf("Statement")).isLessThan(logsPolicy.indexOf("Version"));
        assertThat(logsPolicy.indexOf("Action")).isLessThan(logsPolicy.indexOf("Effect"));
        for (FunctionSpec spec : topology.functions()) {
            JsonNode metrics = dev.resource("AWS::CloudWatch::Alarm", "Alarm" + LogicalIds.of(spec.name()) + "ErrorRate")
                    .getValue().path("Properties").path("Metrics");
            List<String> ids = new ArrayList<>();
            metrics.forEach(m -> ids.add(m.path("Id").asText()));
            assertThat(ids).as(spec.name()).containsExactly("expr_1", "calls", "failed");
        }
    }

    private static void assertSortedKeys(JsonNode object) {
        List<String> keys = new ArrayList<>(names(object));
        List<String> inOrder = new ArrayList<>();
        object.fieldNames().forEachRemaining(inOrder::add);
        assertThat(inOrder).isEqualTo(keys);
    }

    /** The path of an API Gateway resource, from its PathPart and its parent's. */
    private String path(JsonNode resourceId) {
        String id = Synthesized.ref(resourceId);
        JsonNode resource = dev.template.path("Resources").path(id);
        if (!resource.path("Type").asText().equals("AWS::ApiGateway::Resource")) {
            return "";
        }
        return path(resource.path("Properties").path("ParentId")) + "/" + resource.path("Properties").path("PathPart").asText();
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
