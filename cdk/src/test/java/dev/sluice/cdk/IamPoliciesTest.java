package dev.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every policy of every stage, walked: no wildcard action anywhere, no {@code *} resource on a data
 * service, and no function role reaching a table, queue, bucket, bus, state machine or API its
 * {@code uses} do not declare.
 */
class IamPoliciesTest {

    private static final Set<String> DATA_SERVICES = Set.of("dynamodb", "sqs", "s3", "events", "states", "kms",
            "es", "aoss", "bedrock", "ses", "execute-api", "lambda", "sns");

    private final Topology topology = Synthesized.DEFINITIONS.topology();

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void noWildcardActionAndNoWildcardResourceOnADataService(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        List<String> problems = new ArrayList<>();
        synthesized.resources("AWS::IAM::Policy").forEach((id, policy) -> {
            if (id.contains("Providerframework") || id.contains("ProviderwaiterstatemachineRole")) {
                return; // CDK's own provider framework; its grants are to its own functions
            }
            for (JsonNode statement : policy.path("Properties").path("PolicyDocument").path("Statement")) {
                List<String> actions = strings(statement.path("Action"));
                actions.stream().filter(a -> a.contains("*")).forEach(a -> problems.add(id + ": action " + a));
                if (strings(statement.path("Resource")).contains("*")) {
                    actions.stream().filter(a -> DATA_SERVICES.contains(a.substring(0, a.indexOf(':'))))
                            .forEach(a -> problems.add(id + ": " + a + " on *"));
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void aFunctionRoleReachesOnlyTheResourcesItsUsesDeclare(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        Map<String, String> declared = declaredResources(synthesized);
        List<String> problems = new ArrayList<>();
        for (FunctionSpec function : topology.functions()) {
            String role = synthesized.resource("AWS::IAM::Role", "Function" + LogicalIds.of(function.name()) + "Role").getKey();
            Set<String> allowed = new TreeSet<>();
            function.uses().forEach(u -> allowed.add(u.kind().key() + ":" + u.name()));
            if (function.onFailure() != null) {
                allowed.add("queue:" + function.onFailure().queue());
            }
            synthesized.resources("AWS::IAM::Policy").forEach((id, policy) -> {
                if (!Synthesized.refs(policy.path("Properties").path("Roles")).contains(role)) {
                    return;
                }
                for (String ref : Synthesized.refs(policy.path("Properties").path("PolicyDocument"))) {
                    String resource = declared.get(ref);
                    if (resource != null && !allowed.contains(resource)) {
                        problems.add(function.name() + " reaches " + resource + " (" + ref + ") outside its uses");
                    }
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void aBucketGrantStaysUnderItsDeclaredPrefix(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        String role = synthesized.resource("AWS::IAM::Role", "FunctionAiWorkerRole").getKey();
        String policies = synthesized.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(role))
                .map(JsonNode::toString).reduce("", String::concat);
        assertThat(policies).contains("/payloads/*").contains("/results/*").doesNotContain("Arn\"]},\"/*\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void theApiMayInvokeTheNotifiersAliasAndNoOtherFunction(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        String role = synthesized.resource("AWS::IAM::Role", "FunctionApiRole").getKey();
        String notifierAlias = synthesized.resource("AWS::Lambda::Alias", "FunctionNotifierAlias").getKey();
        List<List<String>> invoked = new ArrayList<>();
        synthesized.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(role))
                .forEach(p -> p.path("Properties").path("PolicyDocument").path("Statement").forEach(statement -> {
                    if (strings(statement.path("Action")).contains("lambda:InvokeFunction")) {
                        assertThat(strings(statement.path("Action"))).containsExactly("lambda:InvokeFunction");
                        invoked.add(Synthesized.refs(statement.path("Resource")));
                    }
                }));
        assertThat(invoked).containsExactly(List.of(notifierAlias));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void theAiWorkersMayConverseAndStreamWithTheirChatModelsThroughTheirInferenceProfilesOnly(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        for (String worker : List.of("FunctionAiWorkerRole", "FunctionAiWorkerHighRole")) {
            String role = synthesized.resource("AWS::IAM::Role", worker).getKey();
            List<JsonNode> bedrock = new ArrayList<>();
            synthesized.resources("AWS::IAM::Policy").values().stream()
                    .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(role))
                    .forEach(p -> p.path("Properties").path("PolicyDocument").path("Statement").forEach(statement -> {
                        if (strings(statement.path("Action")).stream().anyMatch(a -> a.startsWith("bedrock:"))) {
                            bedrock.add(statement);
                        }
                    }));
            List<String> models = topology.models().stream().filter(m -> m.startsWith("us.anthropic.")).toList();
            assertThat(models).as("the chat models of the deployed routes").hasSize(3);
            // Besides them the embedding model (semantic cache, retriever): InvokeModel, in the stack's region only.
            String embedding = "amazon.titan-embed-text-v2:0";
            List<JsonNode> embeds = bedrock.stream().filter(s -> s.toString().contains(embedding)).toList();
            assertThat(embeds).as(worker).singleElement().satisfies(s -> {
                assertThat(strings(s.path("Action"))).containsExactly("bedrock:InvokeModel");
                assertThat(s.path("Resource").toString()).contains("{\"Ref\":\"AWS::Region\"},\"::foundation-model/"
                        + embedding + "\"");
            });
            bedrock.removeAll(embeds);
            // Per model: the profile in the stack's region, and its foundation model wherever the profile routes it.
            assertThat(bedrock).as(worker).hasSize(2 * models.size());
            for (JsonNode statement : bedrock) {
                assertThat(strings(statement.path("Action"))).containsExactly("bedrock:InvokeModel",
                        "bedrock:InvokeModelWithResponseStream");
            }
            String all = bedrock.toString();
            for (String model : models) {
                assertThat(all).contains(":inference-profile/" + model + "\"")
                        .contains(":bedrock:*::foundation-model/" + model.substring("us.".length()) + "\"");
            }
            assertThat(bedrock.stream().filter(s -> s.toString().contains("foundation-model/")))
                    .allSatisfy(s -> assertThat(s.path("Condition").path("StringEquals")
                            .path("bedrock:InferenceProfileArn").toString()).contains(":inference-profile/us.anthropic."));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void theBatchSubmitterCreatesBatchJobsAndPassesBedrockOnlyTheBatchRoleWhichReachesOnlyTheBatches(String stage) {
        Synthesized synthesized = Synthesized.stage(stage);
        Map.Entry<String, JsonNode> batchRole = synthesized.resource("AWS::IAM::Role",
                "BedrockBatchRole" + LogicalIds.of("anthropic.claude-3-haiku-20240307-v1:0"));
        JsonNode trust = batchRole.getValue().at("/Properties/AssumeRolePolicyDocument/Statement/0");
        assertThat(trust.at("/Principal/Service").asText()).isEqualTo("bedrock.amazonaws.com");
        assertThat(trust.at("/Condition/StringEquals").has("aws:SourceAccount")).isTrue();
        assertThat(trust.at("/Condition/ArnLike/aws:SourceArn").toString()).contains(":model-invocation-job/*");

        String submitter = synthesized.resource("AWS::IAM::Role", "FunctionAiBatchSubmitRole").getKey();
        List<JsonNode> statements = new ArrayList<>();
        synthesized.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(submitter))
                .forEach(p -> p.at("/Properties/PolicyDocument/Statement").forEach(statements::add));
        JsonNode pass = statements.stream().filter(st -> strings(st.path("Action")).contains("iam:PassRole"))
                .findFirst().orElseThrow();
        assertThat(Synthesized.refs(pass.path("Resource"))).containsExactly(batchRole.getKey());
        assertThat(pass.at("/Condition/StringEquals/iam:PassedToService").asText()).isEqualTo("bedrock.amazonaws.com");
        assertThat(statements).anySatisfy(st -> assertThat(strings(st.path("Action")))
                .containsExactly("bedrock:CreateModelInvocationJob"));
        assertThat(statements).anySatisfy(st -> assertThat(strings(st.path("Action")))
                .containsExactly("bedrock:GetModelInvocationJob", "bedrock:StopModelInvocationJob"));

        String batchPolicies = synthesized.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(batchRole.getKey()))
                .map(JsonNode::toString).reduce("", String::concat);
        assertThat(batchPolicies).contains("/batch/*").doesNotContain("/payloads/*").doesNotContain("/results/*")
                .doesNotContain("dynamodb:").doesNotContain("sqs:");
    }

    /** Logical id of every data resource the stack made for the topology, to the {@code kind:name} it stands for. */
    private Map<String, String> declaredResources(Synthesized synthesized) {
        Map<String, String> byId = new HashMap<>();
        topology.tables().forEach(t -> byId.put(synthesized.resource("AWS::DynamoDB::Table",
                "Table" + LogicalIds.of(t.name())).getKey(), ResourceKind.TABLE.key() + ":" + t.name()));
        topology.allQueueNames().forEach(q -> byId.put(synthesized.resource("AWS::SQS::Queue",
                "Queue" + LogicalIds.of(q)).getKey(), ResourceKind.QUEUE.key() + ":" + q));
        topology.buckets().forEach(b -> byId.put(synthesized.resource("AWS::S3::Bucket",
                "Bucket" + LogicalIds.of(b.name())).getKey(), ResourceKind.BUCKET.key() + ":" + b.name()));
        topology.eventBuses().forEach(b -> byId.put(synthesized.resource("AWS::Events::EventBus",
                "Bus" + LogicalIds.of(b)).getKey(), ResourceKind.BUS.key() + ":" + b));
        topology.stateMachines().forEach(s -> byId.put(synthesized.resource("AWS::StepFunctions::StateMachine",
                "StateMachine" + LogicalIds.of(s.name())).getKey(), ResourceKind.STATE_MACHINE.key() + ":" + s.name()));
        topology.functions().forEach(f -> byId.put(synthesized.resource("AWS::Lambda::Alias",
                "Function" + LogicalIds.of(f.name()) + "Alias").getKey(), ResourceKind.FUNCTION.key() + ":" + f.name()));
        synthesized.resources("AWS::ApiGatewayV2::Api").keySet().forEach(id -> byId.put(id,
                ResourceKind.WEB_SOCKET_API.key() + ":sluice-ws"));
        synthesized.resources("AWS::OpenSearchService::Domain").keySet().forEach(id -> byId.put(id,
                ResourceKind.SEARCH_INDEX.key() + ":sluice-chunks"));
        synthesized.resources("AWS::OpenSearchServerless::Collection").keySet().forEach(id -> byId.put(id,
                ResourceKind.SEARCH_INDEX.key() + ":sluice-chunks"));
        return byId;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        } else {
            node.forEach(n -> {
                if (n.isTextual()) {
                    values.add(n.asText());
                }
            });
        }
        return values;
    }
}
