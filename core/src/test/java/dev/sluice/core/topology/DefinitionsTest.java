package dev.sluice.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefinitionsTest {

    private final Topology topology = Definitions.bundled().topology();

    @Test
    void theQueuesCarryTheSettingsTheyWereAskedFor() {
        assertThat(topology.queue("ai-requests").orElseThrow())
                .isEqualTo(new QueueSpec("ai-requests", 300, 14 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("analytics").orElseThrow())
                .isEqualTo(new QueueSpec("analytics", 60, 7 * 86400, new QueueSpec.DeadLetter(5, 14 * 86400)));
        assertThat(topology.queue("email").orElseThrow())
                .isEqualTo(new QueueSpec("email", 30, 3 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("ai-requests-high").orElseThrow().deadLetter().maxReceiveCount()).isEqualTo(3);
        assertThat(topology.allQueueNames()).contains("ai-requests-dlq", "ai-requests-high-dlq", "analytics-dlq",
                "email-dlq", "event-delivery-dlq");
    }

    @Test
    void everyDeadLetterQueueKeepsMessagesAtLeastAsLongAsItsSource() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(q.deadLetter().retentionSeconds()).as(q.name())
                        .isGreaterThanOrEqualTo(q.retentionSeconds())
                        // Strictly longer wherever SQS's 14-day cap leaves room.
                        .isGreaterThan(Math.min(q.retentionSeconds(), QueueSpec.MAX_RETENTION_SECONDS - 1));
            }
        }
    }

    @Test
    void everyTriggeredQueueFollowsAwsSixTimesTheTimeoutGuidance() {
        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                QueueSpec q = topology.queue(f.sqsTrigger().queue()).orElseThrow();
                assertThat(q.visibilityTimeoutSeconds()).as(f.name())
                        .isGreaterThanOrEqualTo(6 * f.timeoutSeconds() + f.sqsTrigger().maximumBatchingWindowSeconds());
            }
        }
    }

    /** By its SQS trigger, or by a scheduled function that consumes it (the batch lane's collector). */
    @Test
    void everyWorkQueueIsDrainedByAFunction() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(topology.functions()).as(q.name())
                        .anyMatch(f -> f.sqsTrigger() != null && f.sqsTrigger().queue().equals(q.name())
                                || f.schedule() != null && f.uses().stream().anyMatch(u -> u.kind() == ResourceKind.QUEUE
                                        && u.name().equals(q.name()) && u.allows("consume")));
            }
        }
    }

    @Test
    void theNotifiersFailedInvocationsGoToAQueueOfTheirOwn() {
        assertThat(topology.function("notifier").orElseThrow().onFailure())
                .isEqualTo(new FunctionSpec.OnFailure("notifier-dlq"));
        assertThat(topology.queue("notifier-dlq").orElseThrow().hasDeadLetterQueue()).isFalse();
    }

    @Test
    void anOnFailureDestinationThatIsNoQueueOfTheTopologyIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        // The function's own destination (the admin API uses the queue too, in its uses list).
        edit(dir.resolve("topology.json"), "\"queue\": \"notifier-dlq\"\n", "\"queue\": \"notifier-dead\"\n");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"notifier\": on-failure destination \"notifier-dead\" is not a queue of the topology");
    }

    @Test
    void anUnknownFieldInTheTopologyNamesFileAndField(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"visibilityTimeoutSeconds\": 30,", "\"visibilityTimeout\": 30,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith(dir.resolve("topology.json") + ": queues[")
                .hasMessageContaining("visibilityTimeout");
    }

    @Test
    void aTriggerOnAnUnknownQueueIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        // The trigger's (the admin API's uses name the queue first).
        edit(dir.resolve("topology.json"), "\"queue\": \"email\",\n", "\"queue\": \"emails\",\n");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(dir.resolve("topology.json") + ": function \"email-worker\" is triggered by unknown queue \"emails\"");
    }

    @Test
    void aFunctionOutlivingItsQueueVisibilityIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"timeoutSeconds\": 4,", "\"timeoutSeconds\": 31,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageContaining("function \"email-worker\" times out after 31 s");
    }

    @Test
    void aFunctionEntryCarriesItsArtifactEnvironmentAndUses() {
        FunctionSpec worker = topology.function("email-worker").orElseThrow();
        assertThat(worker.artifact()).isEqualTo("jobs");
        assertThat(topology.artifact("jobs").orElseThrow().module()).isEqualTo("workers/jobs");
        assertThat(worker.environment()).containsEntry("DEAD_LETTER_QUEUE", "${queue:email-dlq}")
                .containsEntry("MAX_RECEIVE_COUNT", "${maxReceiveCount:email}")
                .containsEntry("MAILER", "${profile:mailer}");
        assertThat(worker.uses()).contains(new Use(ResourceKind.QUEUE, "email", "consume"),
                new Use(ResourceKind.QUEUE, "email-dlq", "send"),
                new Use(ResourceKind.BUCKET, "sluice-payloads", List.of("read"), "payloads/"),
                new Use(ResourceKind.EMAIL_IDENTITY, "sluice-mail", "send-email"));
    }

    @Test
    void everyProfileDeclaresTheSameValuesAndTheLocalOneRunsEverythingOnTheMachine() {
        Profile local = topology.profile(Profile.LOCAL).orElseThrow();
        assertThat(topology.profiles()).extracting(Profile::name).containsExactly("local", "dev", "staging", "prod");
        for (Profile p : topology.profiles()) {
            assertThat(p.values().keySet()).as(p.name()).isEqualTo(local.values().keySet());
        }
        assertThat(local.value("mailOutboxDir")).isEqualTo("${stateDir:mail/outbox}");
        assertThat(local.value("openSearchEndpoint")).isNull();
        assertThat(topology.profile("prod").orElseThrow().value("embedder")).isEqualTo("bedrock");
    }

    @Test
    void aReferenceToAnUndeclaredResourceNamesFunctionAndVariable(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"${table:sluice-jobs}\"", "\"${table:sluice-jbos}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\": JOBS_TABLE: ${table:sluice-jbos} names no table of the topology");
    }

    @Test
    void aReferenceOfNoKnownKindIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"${table:sluice-jobs}\"", "\"${tabel:sluice-jobs}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(dir.resolve("topology.json")
                + ": function \"api\": JOBS_TABLE: ${tabel:sluice-jobs}: no reference kind \"tabel\"; one of table,");
    }

    @Test
    void aWebSocketManagementReferenceToAnHttpApiIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"${webSocketManagement:sluice-ws}\"", "\"${webSocketManagement:sluice-api}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"ws\": WEBSOCKET_MANAGEMENT_URL: ${webSocketManagement:sluice-api} names no WebSocket API"
                + " of the topology");
    }

    @Test
    void anEnvironmentNamingAResourceOutsideItsUsesIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"table\": \"sluice-analytics\", \"access\": [\"read\"] },", "");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\": ANALYTICS_TABLE refers to table \"sluice-analytics\", which the function's uses"
                + " do not declare: a function declares every resource it touches, with its access");
    }

    @Test
    void aResourceReachedThroughAProfileValueMustBeInTheUsesToo(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), ",\n        { \"searchIndex\": \"sluice-chunks\", \"access\": [\"read\", \"create\"] }", "");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\": OPENSEARCH_ENDPOINT (through profile \"dev\") refers to searchIndex"
                + " \"sluice-chunks\", which the function's uses do not declare: a function declares every resource it"
                + " touches, with its access");
    }

    @Test
    void aResourceListedTwiceInTheUsesIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"bus\": \"sluice-jobs\", \"access\": [\"publish\"] }",
                "{ \"bus\": \"sluice-jobs\", \"access\": [\"publish\"] }, { \"bus\": \"sluice-jobs\", \"access\": [\"publish\"] }");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\" lists bus \"sluice-jobs\" twice in its uses");
    }

    @Test
    void aUseOfAnUndeclaredResourceIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"bus\": \"sluice-jobs\", \"access\": [\"publish\"] }",
                "{ \"bus\": \"sluice-job\", \"access\": [\"publish\"] }");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\" uses bus \"sluice-job\", which the topology does not declare");
    }

    @Test
    void anAccessModeOfAnotherKindIsRefusedByTheSchema(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"bus\": \"sluice-jobs\", \"access\": [\"publish\"] }",
                "{ \"bus\": \"sluice-jobs\", \"access\": [\"read\"] }");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(dir.resolve("topology.json")
                + ": functions[0].uses[4].access[0]: ")
                .hasMessageContaining("publish");
    }

    @Test
    void theApiInvokesTheNotifierByTheFunctionItUses() {
        FunctionSpec api = topology.function("api").orElseThrow();
        assertThat(api.uses()).contains(new Use(ResourceKind.FUNCTION, "notifier", "invoke"),
                new Use(ResourceKind.TABLE, "sluice-audit", "read", "write"));
        assertThat(api.environment()).containsEntry("FUNCTION_ARNS", "notifier=${functionArn:notifier}");
        assertThat(Reference.in(api.environment().get("FUNCTION_ARNS")))
                .containsExactly(new Reference(Reference.Kind.FUNCTION_ARN, "notifier"));
        assertThat(topology.declares(ResourceKind.FUNCTION, "notifier")).isTrue();
        assertThat(topology.declares(ResourceKind.FUNCTION, "notifer")).isFalse();
    }

    @Test
    void aFunctionArnOfAFunctionOutsideTheUsesIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"notifier=${functionArn:notifier}\"",
                "\"notifier=${functionArn:notifier},ws=${functionArn:ws}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\": FUNCTION_ARNS refers to function \"ws\", which the function's uses do not"
                + " declare: a function declares every resource it touches, with its access");
    }

    @Test
    void aUseOfAnUndeclaredFunctionOrAModeFunctionsDoNotHaveIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"function\": \"notifier\", \"access\": [\"invoke\"] }",
                "{ \"function\": \"notifier\", \"access\": [\"invoke\"] }, { \"function\": \"notifer\","
                        + " \"access\": [\"invoke\"] }");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\" uses function \"notifer\", which the topology does not declare");

        Path other = dir.resolve("other");
        Definitions.exportBundled(other);
        edit(other.resolve("topology.json"), "{ \"function\": \"notifier\", \"access\": [\"invoke\"] }",
                "{ \"function\": \"notifier\", \"access\": [\"publish\"] }");
        assertThatThrownBy(() -> Definitions.load(other)).hasMessageContaining(".access[0]: ")
                .hasMessageContaining("invoke");
    }

    @Test
    void aTriggerQueueTheUsesDoNotConsumeIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "{ \"queue\": \"email\", \"access\": [\"consume\"] }",
                "{ \"queue\": \"email\", \"access\": [\"send\"] }");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"email-worker\" is triggered by queue \"email\", so its uses must give it consume access"
                + " to that queue");
    }

    @Test
    void anUndeclaredArtifactIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"artifact\": \"ws\"", "\"artifact\": \"websocket\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"ws\": artifact \"websocket\" is not among the artifacts");
    }

    @Test
    void anArtifactNoFunctionShipsInIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"artifact\": \"notifier\"", "\"artifact\": \"jobs\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": artifact \"notifier\" carries no function: name it in a function's artifact or remove it");
    }

    @Test
    void anArtifactDeclaresALambdaArchitecture(@TempDir Path dir) throws IOException {
        assertThat(Definitions.bundled().topology().artifacts()).extracting(ArtifactSpec::architecture)
                .containsOnly("arm64");
        assertThat(Definitions.bundled().topology().artifact("api").orElseThrow().jar())
                .isEqualTo("workers/api/target/sluice-api-lambda.jar");
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"architecture\": \"arm64\"", "\"architecture\": \"aarch64\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(dir.resolve("topology.json")
                + ": artifacts[0].architecture: ");
    }

    @Test
    void aProfileReferenceEveryProfileMustDeclare(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"${profile:chunkBatchSize}\"", "\"${profile:chunkSize}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"ingest-chunk\": CHUNK_BATCH_SIZE refers to ${profile:chunkSize}, which profile \"local\""
                + " does not declare");
    }

    @Test
    void aProfileWithoutADeploymentIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"staging\": {\n      \"logRetentionDays\"", "\"qa\": {\n      \"logRetentionDays\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": profile \"staging\" has no deployment: add deployments.staging");
    }

    @Test
    void aVectorStoreTheProfileDoesNotSignForIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"kind\": \"collection\",\n        \"standbyReplicas\": true",
                "\"kind\": \"domain\", \"instanceType\": \"t3.small.search\", \"instanceCount\": 1,"
                        + " \"volumeGb\": 10, \"vpc\": false");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": deployments.prod.vectorStore: a domain is signed for as \"es\", but profile \"prod\" gives"
                + " openSearchService \"aoss\"");
    }

    @Test
    void everyDeployedStageHasADeploymentAndTheLocalOneNone() {
        Definitions definitions = Definitions.bundled();
        assertThat(definitions.deployedStages()).containsExactly("dev", "staging", "prod");
        assertThatThrownBy(() -> definitions.deployment("local")).isInstanceOf(DefinitionException.class);
        assertThat(definitions.deployment("prod").vectorStore()).isInstanceOf(DeploymentSpec.Collection.class);
        assertThat(definitions.deployment("staging").vectorStore())
                .isEqualTo(new DeploymentSpec.Domain("t3.medium.search", 2, 20, true));
    }

    @Test
    void aProfileMissingAValueIsRefusedByTheSchema(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path file = dir.resolve("topology.json");
        String text = Files.readString(file);
        int staging = text.indexOf("\"staging\": {");
        Files.writeString(file, text.substring(0, staging) + text.substring(staging)
                .replaceFirst("\\s*\"chunkBatchSize\": 32,", ""));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(file + ": profiles.staging.chunkBatchSize: ");
    }

    @Test
    void aStatePathOutsideTheLocalProfileIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"mailOutboxDir\": null", "\"mailOutboxDir\": \"${stateDir:mail}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": profile \"dev\": mailOutboxDir uses ${stateDir:mail}, which only the local profile may: no other"
                + " runtime has a state directory");
    }

    @Test
    void aStatePathInAFunctionsEnvironmentIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"MAIL_OUTBOX_DIR\": \"${profile:mailOutboxDir}\"",
                "\"MAIL_OUTBOX_DIR\": \"${stateDir:mail/outbox}\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(dir.resolve("topology.json")
                + ": function \"email-worker\": MAIL_OUTBOX_DIR uses ${stateDir:mail/outbox}: a local path is a value"
                + " of the local profile");
    }

    @Test
    void aValueNotSetInSomeProfileCanOnlyBeAWholeVariable(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"${profile:vectorIndexDir}\"", "\"${profile:vectorIndexDir}/chunks\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"api\": VECTOR_INDEX_DIR: ${profile:vectorIndexDir} is not set in profile \"dev\", so it"
                + " can only be the whole value of a variable (left out there)");
    }

    @Test
    void aVariableNamedLikeLambdasOwnIsRefusedByTheSchema(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"JOBS_TABLE\": ", "\"AWS_REGION\": \"eu-west-1\", \"JOBS_TABLE\": ");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(dir.resolve("topology.json")
                + ": functions[0].environment");
    }

    @Test
    void aRuleWithAnInvalidPatternNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"detail\": { \"type\": [\"email.send\"] }", "\"detail\": { \"type\": [{ \"prefix\": 42 }] }");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageStartingWith(rule + ": eventPattern is not a valid EventBridge pattern");
    }

    @Test
    void aRuleTargetingAnUnknownQueueNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"sqs\": \"email\"", "\"sqs\": \"e-mail\"");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(rule + ": target \"queue\": no sqs named \"e-mail\" in the topology");
    }

    @Test
    void aRuleFileThatIsNotJsonNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        Files.writeString(rule, "{ \"name\": ");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(rule + ": not valid JSON");
    }

    @Test
    void anAslFileWithoutStatesNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path asl = dir.resolve("statemachines/broken.asl.json");
        Files.createDirectories(asl.getParent());
        Files.writeString(asl, "{\"StartAt\": \"A\"}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(asl + ": an ASL definition needs \"StartAt\" and \"States\"");
    }

    @Test
    void aDirectoryWithoutTheDefinitionSchemasSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("topology.json"), "{}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessage(dir.resolve("schemas/definitions/topology.schema.json")
                        + ": is missing; the definitions cannot be checked without it");
    }

    @Test
    void theHttpApiMetersKeysByTheSeedsUsagePlansAndCachesItsAuthorizerFor300Seconds() {
        ApiSpec api = topology.api("sluice-api").orElseThrow();
        assertThat(api.usagePlan("default").orElseThrow()).isEqualTo(new UsagePlanSpec("default",
                "Every key unless it names another plan.", new UsagePlanSpec.Throttle(100, 50),
                new UsagePlanSpec.Quota(10_000, UsagePlanSpec.Period.MONTH)));
        assertThat(api.usagePlan("bulk")).isPresent();
        assertThat(api.authorizer()).isEqualTo(new AuthorizerSpec("api-authorizer",
                List.of("method.request.header.x-api-key"), 300));
        assertThat(topology.function("api-authorizer").orElseThrow().handler())
                .isEqualTo("dev.sluice.workers.api.ApiKeyAuthorizer");
        assertThat(api.gatewayResponses()).extracting(r -> r.responseType() + " " + r.statusCode() + " "
                + r.responseBody().at("/error/code").asText()).containsExactly(
                        "UNAUTHORIZED 401 missing_api_key", "ACCESS_DENIED 403 invalid_api_key",
                        "THROTTLED 429 rate_limited", "QUOTA_EXCEEDED 429 quota_exceeded");
        ApiSpec ws = topology.api("sluice-ws").orElseThrow();
        assertThat(ws.authorizer().function()).isEqualTo("api-authorizer");
        assertThat(ws.authorizer().authorizerResultTtlInSeconds()).isZero();
    }

    @Test
    void anAuthorizerNamingAnUnknownFunctionIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("authorizer")).put("function", "nobody"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": api \"sluice-api\": the authorizer names unknown function \"nobody\"");
    }

    @Test
    void twoUsagePlansOfOneNameAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("usagePlans").get(1)).put("name", "default"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": api \"sluice-api\": usage plan name \"default\" is declared twice");
    }

    @Test
    void anApiWithUsagePlansButNoneNamedDefaultIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("usagePlans").get(0)).put("name", "standard"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("no usage plan is named \"default\"");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "/usagePlans/0/throttle/rateLimit, 10001",
            "/usagePlans/0/throttle/rateLimit, 0",
            "/usagePlans/0/throttle/burstLimit, 5001",
            "/usagePlans/0/quota/limit, 0",
            "/authorizer/authorizerResultTtlInSeconds, 3601",
    })
    void aValueBeyondApiGatewaysLimitsIsRefusedNamingTheField(String pointer, long value, @TempDir Path dir)
            throws IOException {
        Definitions.exportBundled(dir);
        int slash = pointer.lastIndexOf('/');
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at(pointer.substring(0, slash)))
                .put(pointer.substring(slash + 1), value));
        String field = pointer.substring(1).replaceAll("/(\\d+)", "[$1]").replace('/', '.');
        assertThatThrownBy(() -> Definitions.load(dir)).isInstanceOf(DefinitionException.class)
                .hasMessageContaining(field);
    }

    @Test
    void aQuotaPeriodApiGatewayDoesNotKnowIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at("/usagePlans/0/quota")).put("period", "YEAR"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("quota.period");
    }

    @Test
    void aGatewayResponseWhoseBodyIsNotTheApisErrorShapeIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at("/gatewayResponses/0")).putObject("responseBody")
                .put("message", "Unauthorized"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("gatewayResponses[0].responseBody");
    }

    @Test
    void aCachedWebSocketAuthorizerIsRefusedAsApiGatewayCachesNone(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-ws", api -> ((ObjectNode) api.get("authorizer")).put("authorizerResultTtlInSeconds", 300)
                .putArray("identitySource").add("route.request.querystring.apiKey"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "API Gateway does not cache a WebSocket API's authorizer");
    }

    @Test
    void anIdentitySourceOfTheOtherKindOfApiIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("authorizer")).putArray("identitySource")
                .add("route.request.header.x-api-key"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "an identity source of a HTTP API starts with method.request.");
    }

    @Test
    void usagePlansOnAWebSocketApiAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        JsonNode plans = Json.parse(Files.readString(dir.resolve("topology.json"))).at("/apis/0/usagePlans");
        editApi(dir, "sluice-ws", api -> ((ObjectNode) api).set("usagePlans", plans));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "API Gateway has no usage plans and no gateway responses for WebSocket APIs");
    }

    @Test
    void usagePlansWithoutAnAuthorizerAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api).remove("authorizer"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("usage plans need an authorizer");
    }

    private static void editApi(Path dir, String name, Consumer<JsonNode> change) throws IOException {
        Path file = dir.resolve("topology.json");
        JsonNode topology = Json.parse(Files.readString(file));
        JsonNode api = null;
        for (JsonNode a : topology.get("apis")) {
            if (a.get("name").asText().equals(name)) {
                api = a;
            }
        }
        assertThat(api).as(name).isNotNull();
        change.accept(api);
        Files.writeString(file, Json.write(topology));
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
