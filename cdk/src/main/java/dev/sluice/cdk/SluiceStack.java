package dev.sluice.cdk;

import dev.sluice.core.topology.ArtifactSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * Sluice in one stage of one account: everything {@link Definitions} declare, deployed with the
 * stage's {@link Profile} (the functions' environments) and {@link DeploymentSpec} (retention,
 * removal, thresholds, memory, tags, the vector store).
 */
public final class SluiceStack extends Stack {

    /** The name of the stack of a stage: {@code sluice-dev}. */
    public static String name(String stage) {
        return "sluice-" + stage;
    }

    public SluiceStack(Construct scope, Definitions definitions, String stage, Path root) {
        super(scope, name(stage), StackProps.builder()
                .description("Sluice " + stage + ": event-driven job pipeline for AI workloads (synthesized from the"
                        + " topology)")
                .build());
        Topology topology = definitions.topology();
        DeploymentSpec deployment = definitions.deployment(stage);
        Profile profile = topology.profile(stage).orElseThrow();
        RemovalPolicy removal = deployment.removalPolicy() == DeploymentSpec.RemovalPolicy.RETAIN
                ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        RetentionDays retention = retention(deployment.logRetentionDays());

        Key key = key(removal);
        Deployed deployed = new Deployed(topology);
        DataStores.build(this, deployed, key, removal);
        new PromptTemplateUpload(this, "PromptTemplates", root, templatesBucket(deployed), key, retention, removal);
        Messaging.queuesAndBuses(this, deployed, key, deployment);
        deployed.searchStore = searchStore(definitions, deployment, key, retention, removal, root);
        BatchInference.build(this, deployed, key); // before the functions, whose environment names its roles
        Apis apis = new Apis(this, key, retention, removal);
        apis.webSockets(deployed);
        Map<String, Functions.Deployment> functions = Functions.build(this, deployed, root, deployment, key, retention,
                removal);
        functions.forEach((name, f) -> deployed.functionAliases.put(name, f.alias()));
        Orchestration.build(this, deployed, functions, key, retention, removal);
        Functions.wire(this, deployed, functions, profile, new AccessPolicies(deployed, key, profile));
        deployed.searchStore.finish(topology.searchIndexes(), Integer.parseInt(profile.value("embeddingDimensions")));
        Messaging.rules(this, deployed, functions.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().alias())));
        apis.routes(deployed, functions, deployment);
        var topic = Observability.build(this, deployed, functions, apis.usagePlans, deployment, key);
        Outputs.build(this, deployed, functions, apis.restApis, topic);

        Tags.of(this).add("Project", "Sluice");
        Tags.of(this).add("Environment", stage);
        Tags.of(this).add("ManagedBy", "cdk");
        deployment.tags().forEach((name, value) -> Tags.of(this).add(name, value));
        Aspects.of(this).add(new EncryptionCheck());
        Nag.suppress(this, "AwsSolutions-L1", "Sluice targets Java 21 (LTS), the release it is built and tested for"
                + " (maven.compiler.release 21)");
    }

    /** The one customer-managed key, rotated yearly; the services that encrypt with it on Sluice's behalf may use it. */
    private Key key(RemovalPolicy removal) {
        Key key = Key.Builder.create(this, "Key").description("Sluice: queues, tables, buckets, topics, logs, search")
                .enableKeyRotation(true).removalPolicy(removal).pendingWindow(Duration.days(30)).build();
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid("CloudWatchLogs")
                .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
                .actions(List.of("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                        "kms:GenerateDataKey", "kms:DescribeKey"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                        "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":log-group:*")))
                .build());
        // EventBridge sends to encrypted queues (targets and their DLQs); CloudWatch alarms publish to the encrypted topic.
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid("EventBridgeAndAlarms")
                .principals(List.of(new ServicePrincipal("events.amazonaws.com"),
                        new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                .build());
        return key;
    }

    private static Bucket templatesBucket(Deployed deployed) {
        var bucket = deployed.buckets.get(PromptTemplateUpload.BUCKET);
        if (bucket == null) {
            throw new IllegalStateException("the topology has no bucket " + PromptTemplateUpload.BUCKET
                    + ", where the AI workers read their prompt templates");
        }
        return bucket;
    }

    private SearchStore searchStore(Definitions definitions, DeploymentSpec deployment, Key key,
            RetentionDays retention, RemovalPolicy removal, Path root) {
        ArtifactSpec artifact = definitions.topology().artifact(SearchIndexSetup.ARTIFACT).orElseThrow();
        SearchIndexSetup.Factory setup = (scope, network) -> new SearchIndexSetup(scope, "IndexSetup", root, artifact,
                key, retention, removal, network);
        return switch (deployment.vectorStore()) {
            case DeploymentSpec.Collection c -> new CollectionStore(this, "Search", getStackName(), c, key, removal,
                    setup.create(this, Optional.empty()));
            case DeploymentSpec.Domain d -> new DomainStore(this, "Search", d, key, retention, removal, setup);
        };
    }

    private static RetentionDays retention(int days) {
        return switch (days) {
            case 1 -> RetentionDays.ONE_DAY;
            case 3 -> RetentionDays.THREE_DAYS;
            case 5 -> RetentionDays.FIVE_DAYS;
            case 7 -> RetentionDays.ONE_WEEK;
            case 14 -> RetentionDays.TWO_WEEKS;
            case 30 -> RetentionDays.ONE_MONTH;
            case 60 -> RetentionDays.TWO_MONTHS;
            case 90 -> RetentionDays.THREE_MONTHS;
            case 120 -> RetentionDays.FOUR_MONTHS;
            case 150 -> RetentionDays.FIVE_MONTHS;
            case 180 -> RetentionDays.SIX_MONTHS;
            case 365 -> RetentionDays.ONE_YEAR;
            case 400 -> RetentionDays.THIRTEEN_MONTHS;
            case 545 -> RetentionDays.EIGHTEEN_MONTHS;
            case 731 -> RetentionDays.TWO_YEARS;
            case 1096 -> RetentionDays.THREE_YEARS;
            case 1827 -> RetentionDays.FIVE_YEARS;
            case 2192 -> RetentionDays.SIX_YEARS;
            case 2557 -> RetentionDays.SEVEN_YEARS;
            case 2922 -> RetentionDays.EIGHT_YEARS;
            case 3288 -> RetentionDays.NINE_YEARS;
            case 3653 -> RetentionDays.TEN_YEARS;
            default -> throw new IllegalArgumentException("CloudWatch Logs keeps logs for no " + days + " days");
        };
    }
}
