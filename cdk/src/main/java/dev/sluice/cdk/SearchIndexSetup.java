package dev.sluice.cdk;

import dev.sluice.core.topology.ArtifactSpec;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.customresources.Provider;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The custom resource that creates the search index in the deployed store with the body
 * {@link OpenSearchVectorIndex#indexBody(int)} gives, the one the handlers would create: its
 * onEvent and isComplete handlers ship in the ingest bundle. For a domain, isComplete finds the
 * endpoint and waits until the domain is ready.
 */
final class SearchIndexSetup extends Construct {

    static final String ON_EVENT = "dev.sluice.workers.search.SearchIndexResource";
    static final String IS_COMPLETE = "dev.sluice.workers.search.SearchIndexReadiness";
    static final String ARTIFACT = "ingest";

    /** Made by the store, which knows the network the handlers must join. */
    interface Factory {
        SearchIndexSetup create(Construct scope, Optional<SearchStore.Network> network);
    }

    private final Role role;
    private final Provider provider;

    SearchIndexSetup(Construct scope, String id, Path root, ArtifactSpec artifact, IKey key, RetentionDays retention,
            RemovalPolicy removal, Optional<SearchStore.Network> network) {
        super(scope, id);
        role = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Creates the search index in the vector store (custom resource)").build();
        Function onEvent = handler("OnEvent", ON_EVENT, root, artifact, key, retention, removal, network);
        Function isComplete = handler("IsComplete", IS_COMPLETE, root, artifact, key, retention, removal, network);
        provider = Provider.Builder.create(this, "Provider")
                .onEventHandler(onEvent)
                .isCompleteHandler(isComplete)
                .queryInterval(Duration.seconds(30))
                .totalTimeout(Duration.hours(1))
                .logGroup(LogGroup.Builder.create(this, "ProviderLogs").retention(retention).encryptionKey(key)
                        .removalPolicy(removal).build())
                .waiterStateMachineLogOptions(software.amazon.awscdk.customresources.LogOptions.builder()
                        .destination(LogGroup.Builder.create(this, "WaiterLogs").retention(retention)
                                .encryptionKey(key).removalPolicy(removal).build())
                        .level(software.amazon.awscdk.services.stepfunctions.LogLevel.ALL).build())
                .build();
        Nag.suppress(provider, "AwsSolutions-IAM4", "CDK's custom-resource provider framework gives its own functions"
                + " AWSLambdaBasicExecutionRole", List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSLambdaBasicExecutionRole"));
        Nag.suppress(provider, "AwsSolutions-IAM5", "CDK's provider framework invokes the versions of its handlers"
                + " (FUNCTION_ARN:*)", List.of("regex:/^Resource::<.*\\.Arn>:\\*$/"));
        Nag.suppress(provider, "AwsSolutions-SF1", "The provider framework's waiter logs ALL to an encrypted group;"
                + " cdk-nag does not see the level through the framework's own state machine construct");
        Nag.suppress(provider, "AwsSolutions-SF2", "The provider framework's waiter state machine has no tracing"
                + " option; it runs once per deployment");
        Nag.suppress(provider, "AwsSolutions-L1", "CDK's provider framework picks its own Node.js runtime");
        Nag.suppress(role, "AwsSolutions-IAM5", "X-Ray and, in a VPC, network interfaces have no resource-level"
                + " permissions; the security plugin's API paths are under _plugins/_security/api/",
                List.of("Resource::*", "regex:/^Resource::.*\\/_plugins\\/_security\\/api\\/\\*$/",
                        "regex:/^Resource::.*\\/sluice-chunks\\/\\*$/"));
    }

    private Function handler(String id, String handler, Path root, ArtifactSpec artifact, IKey key,
            RetentionDays retention, RemovalPolicy removal, Optional<SearchStore.Network> network) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        var fn = Function.Builder.create(this, id)
                .runtime(Runtime.JAVA_21)
                .architecture(Functions.architecture(artifact))
                .handler(handler)
                .code(Code.fromAsset(Functions.bundle(root, artifact).toString()))
                .memorySize(512)
                .timeout(Duration.minutes(2))
                .role(role)
                .logGroup(logs)
                .tracing(Tracing.ACTIVE);
        network.ifPresent(n -> {
            fn.vpc(n.vpc()).securityGroups(List.of(n.clients()))
                    .vpcSubnets(software.amazon.awscdk.services.ec2.SubnetSelection.builder()
                            .subnetType(software.amazon.awscdk.services.ec2.SubnetType.PRIVATE_WITH_EGRESS).build());
            role.addToPrincipalPolicy(Functions.vpcAccess());
        });
        Function made = fn.build();
        role.addToPrincipalPolicy(AccessPolicies.statement("WriteLogs" + id,
                List.of("logs:CreateLogStream", "logs:PutLogEvents"), List.of(logs.getLogGroupArn())));
        return made;
    }

    IRole role() {
        return role;
    }

    void grant(PolicyStatement statement) {
        role.addToPrincipalPolicy(statement);
    }

    /** The index resource; {@code properties} name the store (Service, Endpoint or DomainName, BackendRoles). */
    CustomResource index(String indexName, int dimensions, Map<String, Object> properties) {
        Map<String, Object> all = new java.util.TreeMap<>(properties);
        all.put("IndexName", indexName);
        all.put("Dimensions", String.valueOf(dimensions));
        all.put("Index", OpenSearchVectorIndex.indexBody(dimensions));
        return CustomResource.Builder.create(this, "Index" + LogicalIds.of(indexName))
                .serviceToken(provider.getServiceToken())
                .resourceType("Custom::SluiceSearchIndex")
                .properties(all)
                .build();
    }
}
