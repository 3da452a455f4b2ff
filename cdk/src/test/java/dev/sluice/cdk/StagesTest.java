package dev.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sqs.Queue;

/** What differs per stage, and what stops synth. */
class StagesTest {

    @Test
    void stagingPutsTheDomainAndEveryFunctionThatSearchesInAVpcOfItsOwn() {
        Synthesized staging = Synthesized.stage("staging");
        JsonNode domain = staging.resources("AWS::OpenSearchService::Domain").values().iterator().next().path("Properties");
        assertThat(domain.has("VPCOptions")).isTrue();
        assertThat(domain.path("NodeToNodeEncryptionOptions").path("Enabled").asBoolean()).isTrue();
        assertThat(domain.path("DomainEndpointOptions").path("EnforceHTTPS").asBoolean()).isTrue();
        assertThat(domain.path("AdvancedSecurityOptions").path("Enabled").asBoolean()).isTrue();
        assertThat(domain.path("ZoneAwarenessEnabled").asBoolean(domain.path("ClusterConfig").path("ZoneAwarenessEnabled")
                .asBoolean())).isTrue();
        for (FunctionSpec f : Synthesized.DEFINITIONS.topology().functions()) {
            boolean searches = f.uses().stream().anyMatch(u -> u.kind() == ResourceKind.SEARCH_INDEX);
            JsonNode fn = staging.resource("AWS::Lambda::Function", "Function" + LogicalIds.of(f.name())).getValue();
            assertThat(fn.path("Properties").has("VpcConfig")).as(f.name()).isEqualTo(searches);
            String role = staging.resource("AWS::IAM::Role", "Function" + LogicalIds.of(f.name()) + "Role").getKey();
            boolean mayAttach = staging.resources("AWS::IAM::Policy").values().stream()
                    .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(role))
                    .anyMatch(p -> p.toString().contains("ec2:CreateNetworkInterface"));
            assertThat(mayAttach).as(f.name() + " may create its network interfaces").isEqualTo(searches);
        }
        assertThat(staging.resources("AWS::EC2::FlowLog")).hasSize(1);
    }

    @Test
    void prodKeepsItsDataAndSearchesAServerlessCollectionWhoseDataAccessNamesEachSearchingRole() {
        Synthesized prod = Synthesized.stage("prod");
        assertThat(prod.resources("AWS::OpenSearchService::Domain")).isEmpty();
        JsonNode collection = prod.resources("AWS::OpenSearchServerless::Collection").values().iterator().next();
        assertThat(collection.path("Properties").path("Type").asText()).isEqualTo("VECTORSEARCH");
        assertThat(collection.path("Properties").path("StandbyReplicas").asText()).isEqualTo("ENABLED");
        assertThat(collection.path("DeletionPolicy").asText()).isEqualTo("Retain");
        assertThat(prod.resources("AWS::DynamoDB::Table").values()).allSatisfy(t ->
                assertThat(t.path("DeletionPolicy").asText()).isEqualTo("Retain"));
        String access = prod.resources("AWS::OpenSearchServerless::AccessPolicy").values().iterator().next().toString();
        for (FunctionSpec f : Synthesized.DEFINITIONS.topology().functions()) {
            boolean searches = f.uses().stream().anyMatch(u -> u.kind() == ResourceKind.SEARCH_INDEX);
            String role = prod.resource("AWS::IAM::Role", "Function" + LogicalIds.of(f.name()) + "Role").getKey();
            assertThat(access.contains("\"" + role + "\"")).as(f.name()).isEqualTo(searches);
        }
        assertThat(prod.resources("AWS::OpenSearchServerless::SecurityPolicy").values().stream()
                .map(JsonNode::toString).filter(p -> p.contains("encryption")).findFirst().orElseThrow())
                .contains("KmsARN").doesNotContain("AWSOwnedKey\\\":true");
    }

    @Test
    void eachStageHasItsOwnRetentionAndThresholds() {
        for (String stage : List.of("dev", "staging", "prod")) {
            var deployment = Synthesized.DEFINITIONS.deployment(stage);
            Synthesized synthesized = Synthesized.stage(stage);
            assertThat(synthesized.resources("AWS::Logs::LogGroup").values()).allSatisfy(l ->
                    assertThat(l.path("Properties").path("RetentionInDays").asInt()).isEqualTo(deployment.logRetentionDays()));
            assertThat(synthesized.resourceCount).as(stage).isBetween(200, 500); // CloudFormation's limit is 500
        }
    }

    /**
     * cdk-nag ran on every stage with nothing left unanswered, and what is suppressed is this short
     * list of rules, each with its reason in the code (the count is per resource).
     */
    @Test
    void cdkNagLeavesNoFindingAndSuppressesOnlyTheseRules() throws IOException {
        for (String stage : List.of("dev", "staging", "prod")) {
            Path report = Synthesized.stage(stage).outdir.resolve("AwsSolutions-" + SluiceStack.name(stage) + "-NagReport.csv");
            List<String> rows = Files.readAllLines(report);
            assertThat(rows).as(stage).noneMatch(r -> r.contains("\"Non-Compliant\""));
            Set<String> suppressed = new TreeSet<>(rows.stream().filter(r -> r.contains("\"Suppressed\""))
                    .map(r -> r.substring(1, r.indexOf("\","))).toList());
            assertThat(suppressed).as(stage).isSubsetOf("AwsSolutions-APIG2", "AwsSolutions-APIG4", "AwsSolutions-APIG6",
                            "AwsSolutions-COG4", "AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1",
                            "AwsSolutions-OS1", "AwsSolutions-OS3", "AwsSolutions-OS4", "AwsSolutions-OS5",
                            "AwsSolutions-OS7", "AwsSolutions-S1", "AwsSolutions-SF1", "AwsSolutions-SF2",
                            "AwsSolutions-SQS3");
            assertThat(rows).as(stage).anyMatch(r -> r.startsWith("\"AwsSolutions-IAM5\"") && r.contains("\"Compliant\""));
        }
    }

    @Test
    void aStageTheDefinitionsDoNotDeployStopsSynthNamingTheTopologyAndTheStages() {
        assertThatThrownBy(() -> SluiceApp.synth(Synthesized.DEFINITIONS, "qa", Synthesized.ROOT, Path.of("unused")))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("core/src/main/resources/sluice/topology.json: no deployment \"qa\"; the deployed stages are"
                        + " [dev, prod, staging]");
    }

    @Test
    void anUnencryptedQueueFailsSynthNamingIt() {
        App app = new App();
        Stack stack = new Stack(app, "probe");
        new Queue(stack, "Plain");
        Aspects.of(stack).add(new EncryptionCheck());
        assertThatThrownBy(app::synth).hasMessageContaining("probe/Plain/Resource: queue without a KMS key");
    }
}
