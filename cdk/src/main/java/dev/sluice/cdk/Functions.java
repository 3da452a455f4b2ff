package dev.sluice.cdk;

import dev.sluice.core.topology.ArtifactSpec;
import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Use;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnEventInvokeConfig;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One Lambda function per topology function: Java 21 on the artifact's architecture, its bundle,
 * memory (the stage's where it differs) and timeout, SnapStart on a published version that
 * everything invokes through the {@code live} alias, X-Ray, a log group of its own, a role of its
 * own with exactly what its {@code uses} say, its SQS trigger, schedule and on-failure destination.
 */
final class Functions {

    /** The alias every trigger, target, integration and state machine invokes. */
    static final String ALIAS = "live";

    /** A function as deployed. */
    record Deployment(FunctionSpec spec, Function function, Alias alias, Role role, LogGroup logs) {
    }

    private Functions() {
    }

    static Map<String, Deployment> build(Construct scope, Deployed deployed, Path root, DeploymentSpec deployment,
            IKey key, RetentionDays retention, RemovalPolicy removal) {
        Map<String, Deployment> made = new LinkedHashMap<>();
        for (FunctionSpec spec : deployed.topology().functions()) {
            made.put(spec.name(), function(scope, deployed, spec, root, deployment, key, retention, removal));
        }
        return made;
    }

    private static Deployment function(Construct scope, Deployed deployed, FunctionSpec spec, Path root,
            DeploymentSpec deployment, IKey key, RetentionDays retention, RemovalPolicy removal) {
        String id = "Function" + LogicalIds.of(spec.name());
        ArtifactSpec artifact = deployed.topology().artifact(spec.artifact()).orElseThrow();
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        Role role = Role.Builder.create(scope, id + "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Function " + spec.name() + ": what its uses in the topology declare").build();
        role.addToPrincipalPolicy(AccessPolicies.statement("WriteLogs", List.of("logs:CreateLogStream",
                "logs:PutLogEvents"), List.of(logs.getLogGroupArn())));
        var props = Function.Builder.create(scope, id)
                .description(spec.name() + " (" + spec.handler() + ")")
                .runtime(Runtime.JAVA_21)
                .architecture(architecture(artifact))
                .handler(spec.handler())
                .code(Code.fromAsset(bundle(root, artifact).toString()))
                .memorySize(deployment.memoryMb(spec))
                .timeout(Duration.seconds(spec.timeoutSeconds()))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .role(role)
                .logGroup(logs);
        // A function that searches joins the search store's VPC, if it has one.
        Optional<SearchStore.Network> network = spec.uses().stream().anyMatch(u -> u.kind() == ResourceKind.SEARCH_INDEX)
                ? deployed.searchStore.network() : Optional.empty();
        network.ifPresent(n -> {
            props.vpc(n.vpc()).securityGroups(List.of(n.clients()))
                    .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build());
            role.addToPrincipalPolicy(vpcAccess());
        });
        Function function = props.build();
        software.amazon.awscdk.Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Every caller invokes the published version through the live alias");
        Nag.suppress(role, "AwsSolutions-IAM5", "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing)"
                + " and, in a VPC, the network interface actions have no resource-level permissions",
                List.of("Resource::*"));
        Alias alias = Alias.Builder.create(scope, id + "Alias").aliasName(ALIAS).version(function.getCurrentVersion())
                .build();
        if (spec.onFailure() != null) {
            // Plain CloudFormation: CDK's SqsDestination would grant the key with wildcard actions; AccessPolicies grants it.
            CfnEventInvokeConfig.Builder.create(scope, id + "AsyncInvoke").functionName(function.getFunctionName())
                    .qualifier(ALIAS)
                    .destinationConfig(CfnEventInvokeConfig.DestinationConfigProperty.builder()
                            .onFailure(CfnEventInvokeConfig.OnFailureProperty.builder()
                                    .destination(deployed.queues.get(spec.onFailure().queue()).getQueueArn()).build())
                            .build())
                    .build().getNode().addDependency(alias);
        }
        return new Deployment(spec, function, alias, role, logs);
    }

    /** Grants, environments and triggers: once every resource they name exists. */
    static void wire(Construct scope, Deployed deployed, Map<String, Deployment> functions, Profile profile,
            AccessPolicies policies) {
        for (Deployment f : functions.values()) {
            FunctionSpec spec = f.spec();
            policies.grant(spec, f.role());
            for (Use use : spec.uses()) {
                if (use.kind() == ResourceKind.SEARCH_INDEX) {
                    deployed.searchStore.allow(f.role(), use);
                }
            }
            profile.resolve(spec.environment(), deployed.resolver()).forEach(f.function()::addEnvironment);
            FunctionSpec.SqsTrigger trigger = spec.sqsTrigger();
            if (trigger != null) {
                var source = SqsEventSource.Builder.create(deployed.queues.get(trigger.queue()))
                        .batchSize(trigger.batchSize())
                        .maxConcurrency(trigger.maximumConcurrency())
                        .reportBatchItemFailures(trigger.reportBatchItemFailures());
                if (trigger.maximumBatchingWindowSeconds() > 0) {
                    source.maxBatchingWindow(Duration.seconds(trigger.maximumBatchingWindowSeconds()));
                }
                f.alias().addEventSource(source.build());
            }
            if (spec.schedule() != null) {
                Rule.Builder.create(scope, "Function" + LogicalIds.of(spec.name()) + "Schedule")
                        .description("Runs " + spec.name() + " " + spec.schedule())
                        .schedule(Schedule.expression(spec.schedule()))
                        .targets(List.of(LambdaFunction.Builder.create(f.alias()).retryAttempts(0).build()))
                        .build();
            }
        }
    }

    /**
     * What Lambda needs to attach a function to a VPC (AWSLambdaVPCAccessExecutionRole's actions): CDK
     * adds that managed policy only to roles it makes, and these roles are made here.
     */
    static PolicyStatement vpcAccess() {
        return AccessPolicies.statement("VpcNetworkInterfaces", List.of("ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"), List.of("*"));
    }

    static Architecture architecture(ArtifactSpec artifact) {
        return artifact.architecture().equals("arm64") ? Architecture.ARM_64 : Architecture.X86_64;
    }

    /** The artifact's shaded jar, which must have been built ({@code mvn package}) before synth. */
    static Path bundle(Path root, ArtifactSpec artifact) {
        Path jar = root.resolve(artifact.jar());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("bundle " + artifact.name() + " is not built: " + jar
                    + " is missing; run mvn package first");
        }
        return jar;
    }
}
