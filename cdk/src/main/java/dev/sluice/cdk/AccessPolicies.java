package dev.sluice.cdk;

import dev.sluice.core.topology.EmailIdentitySpec;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.Reference;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Use;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;

/**
 * A function's IAM statements, made from its {@code uses} and nothing else: each access mode of
 * each resource kind maps to the exact actions it needs (no wildcard action), on the one resource
 * (and for a bucket, the one key prefix) it names. The stack's key is usable only through the
 * services whose encrypted resources the function reaches, for what it does with them.
 */
final class AccessPolicies {

    private static final Map<String, List<String>> TABLE = Map.of(
            "read", List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
                    "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"),
            "write", List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                    "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"));
    private static final Map<String, List<String>> QUEUE = Map.of(
            "consume", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
            "send", List.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
            "read", List.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl"));
    private static final Map<String, List<String>> BUCKET_OBJECTS = Map.of(
            "read", List.of("s3:GetObject"),
            "write", List.of("s3:PutObject", "s3:AbortMultipartUpload"),
            "delete", List.of("s3:DeleteObject"));
    private static final Map<String, List<String>> STATE_MACHINE = Map.of(
            "start", List.of("states:StartExecution"),
            "read", List.of("states:ListExecutions", "states:DescribeStateMachine"));
    private static final Map<String, List<String>> FUNCTION = Map.of(
            "invoke", List.of("lambda:InvokeFunction"));
    private static final Map<String, List<String>> MODEL_ACTIONS = Map.of(
            // Converse is authorized as InvokeModel, ConverseStream as InvokeModelWithResponseStream.
            "invoke-model", List.of("bedrock:InvokeModel"),
            "invoke-stream", List.of("bedrock:InvokeModelWithResponseStream"));
    /** The first segment of a cross-region inference profile's id: {@code us.anthropic.claude-...}. */
    private static final Set<String> INFERENCE_PROFILE_GEOGRAPHIES = Set.of("us", "us-gov", "eu", "apac", "jp", "au",
            "ca", "global");
    private static final List<String> EXECUTION_READ = List.of("states:DescribeExecution",
            "states:GetExecutionHistory");
    private static final Map<String, List<String>> KEY_READ_WRITE = Map.of(
            "read", List.of("kms:Decrypt", "kms:DescribeKey"),
            "write", List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
                    "kms:ReEncryptFrom", "kms:ReEncryptTo"));

    private final Deployed deployed;
    private final IKey key;
    private final Profile profile;

    AccessPolicies(Deployed deployed, IKey key, Profile profile) {
        this.deployed = deployed;
        this.key = key;
        this.profile = profile;
    }

    /**
     * Gives {@code role} what {@code function} uses. A resource that ends in a wildcard does so
     * because what it names has no ARN of its own before it exists (objects under a prefix,
     * documents of an index, executions, connections); each such grant carries its reason for cdk-nag.
     */
    void grant(FunctionSpec function, IRole role) {
        for (PolicyStatement statement : statements(function)) {
            role.addToPrincipalPolicy(statement);
        }
        Nag.suppress(role, "AwsSolutions-IAM5", "Wildcards only where the resource has no ARN until it exists:"
                + " S3 objects under the function's declared prefix, documents of its search index, executions of"
                + " its state machine, WebSocket connections of its API, Bedrock batch inference jobs; and the region"
                + " of a foundation model an inference profile routes to, which Bedrock picks per request (granted"
                + " through that profile only)", List.of(
                        "regex:/^Resource::.*\\/(payloads|results|ingest|prompts|batch)\\/\\*$/",
                        "regex:/^Resource::.*:model-invocation-job\\/\\*$/",
                        "regex:/^Resource::.*\\/sluice-chunks\\/\\*$/",
                        "regex:/^Resource::.*:execution:.*:\\*$/",
                        "regex:/^Resource::.*\\/@connections\\/\\*$/",
                        "regex:/^Resource::<Bucket[A-Za-z0-9]+\\.Arn>\\/\\*$/",
                        "regex:/^Resource::arn:<AWS::Partition>:bedrock:\\*::foundation-model\\/.*$/"));
    }

    /** Every statement {@code function} gets: one per use, then the key's, one per service it reaches it through. */
    List<PolicyStatement> statements(FunctionSpec function) {
        List<PolicyStatement> statements = new ArrayList<>();
        Map<String, Set<String>> keyUse = new LinkedHashMap<>();
        for (Use use : function.uses()) {
            statements.addAll(statements(use, keyUse));
        }
        if (function.onFailure() != null) {
            // Lambda sends the record of a failed asynchronous invocation with the function's own role.
            String queue = function.onFailure().queue();
            statements.addAll(statements(new Use(ResourceKind.QUEUE, queue, "send"), keyUse));
        }
        keyUse.forEach((service, actions) -> statements.add(PolicyStatement.Builder.create()
                .sid(LogicalIds.of("Key" + service))
                .actions(List.copyOf(actions))
                .resources(List.of(key.getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", service + "." + Aws.REGION + ".amazonaws.com")))
                .build()));
        return statements;
    }

    private List<PolicyStatement> statements(Use use, Map<String, Set<String>> keyUse) {
        String id = LogicalIds.of(use.kind().key() + LogicalIds.of(use.name()) + LogicalIds.of(use.prefix() == null ? "" : use.prefix()));
        return switch (use.kind()) {
            case TABLE -> {
                var table = deployed.tables.get(use.name());
                List<String> resources = new ArrayList<>(List.of(table.getTableArn()));
                if (use.allows("read")) {
                    deployed.topology().table(use.name()).orElseThrow().indexes()
                            .forEach(index -> resources.add(table.getTableArn() + "/index/" + index.name()));
                }
                use.access().forEach(mode -> keyUse.computeIfAbsent("dynamodb", s -> new LinkedHashSet<>())
                        .addAll(KEY_READ_WRITE.get(mode)));
                yield List.of(statement(id, actions(TABLE, use), resources));
            }
            case QUEUE -> {
                use.access().stream().filter(m -> !m.equals("read")).forEach(mode -> keyUse
                        .computeIfAbsent("sqs", s -> new LinkedHashSet<>())
                        .addAll(KEY_READ_WRITE.get(mode.equals("send") ? "write" : "read")));
                yield List.of(statement(id, actions(QUEUE, use), List.of(deployed.queues.get(use.name()).getQueueArn())));
            }
            case BUS -> List.of(statement(id, List.of("events:PutEvents"),
                    List.of(deployed.buses.get(use.name()).getEventBusArn())));
            case BUCKET -> bucket(id, use, keyUse);
            case STATE_MACHINE -> {
                var machine = deployed.stateMachines.get(use.name());
                List<PolicyStatement> made = new ArrayList<>();
                made.add(statement(id, actions(STATE_MACHINE, use), List.of(machine.getStateMachineArn())));
                if (use.allows("read")) {
                    // Executions have ARNs of their own: arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME.
                    made.add(statement(id + "Executions", EXECUTION_READ, List.of(Arn.format(ArnComponents.builder()
                            .service("states").resource("execution").arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                            .resourceName(machine.getStateMachineName() + ":*").build(),
                            Stack.of(machine)))));
                }
                yield made;
            }
            case WEB_SOCKET_API -> {
                var api = deployed.webSocketApis.get(use.name());
                String stage = deployed.webSocketStages.get(use.name()).getStageName();
                yield List.of(statement(id, List.of("execute-api:ManageConnections"), List.of(Arn.format(
                        ArnComponents.builder().service("execute-api")
                                .resource(api.getApiId()).resourceName(stage + "/*/@connections/*")
                                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build(), Stack.of(api)))));
            }
            case MODEL -> model(id, use);
            case SEARCH_INDEX -> deployed.searchStore.statements(id, use);
            case FUNCTION -> List.of(statement(id, actions(FUNCTION, use),
                    List.of(deployed.functionAliases.get(use.name()).getFunctionArn())));
            case EMAIL_IDENTITY -> {
                EmailIdentitySpec identity = deployed.topology().emailIdentities().stream()
                        .filter(e -> e.name().equals(use.name())).findFirst().orElseThrow();
                String address = Reference.substitute(identity.identity(), r -> profile.value(r.name()));
                yield List.of(statement(id, List.of("ses:SendEmail"), List.of("arn:" + Aws.PARTITION + ":ses:"
                        + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":identity/" + address)));
            }
        };
    }

    private List<PolicyStatement> model(String id, Use use) {
        List<PolicyStatement> made = new ArrayList<>(invocations(id, use));
        if (use.allows(BatchInference.ACCESS)) {
            String foundationModel = "arn:" + Aws.PARTITION + ":bedrock:" + Aws.REGION + "::foundation-model/"
                    + use.name();
            // A batch job has an ARN only once created: arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/ID.
            String jobs = "arn:" + Aws.PARTITION + ":bedrock:" + Aws.REGION + ":" + Aws.ACCOUNT_ID
                    + ":model-invocation-job/*";
            made.add(statement(id + "BatchCreate", List.of("bedrock:CreateModelInvocationJob"),
                    List.of(foundationModel, jobs)));
            made.add(statement(id + "BatchJobs", List.of("bedrock:GetModelInvocationJob",
                    "bedrock:StopModelInvocationJob"), List.of(jobs)));
            PolicyStatement pass = statement(id + "BatchRole", List.of("iam:PassRole"),
                    List.of(deployed.batchRoles.get(use.name()).getRoleArn()));
            pass.addCondition("StringEquals", Map.of("iam:PassedToService", "bedrock.amazonaws.com"));
            made.add(pass);
        }
        return made;
    }

    private List<PolicyStatement> bucket(String id, Use use, Map<String, Set<String>> keyUse) {
        var bucket = deployed.buckets.get(use.name());
        String prefix = use.prefix() == null ? "" : use.prefix();
        List<PolicyStatement> made = new ArrayList<>();
        List<String> objectActions = new ArrayList<>();
        for (String mode : use.access()) {
            objectActions.addAll(BUCKET_OBJECTS.getOrDefault(mode, List.of()));
            if (mode.equals("read") || mode.equals("write")) {
                keyUse.computeIfAbsent("s3", s -> new LinkedHashSet<>()).addAll(KEY_READ_WRITE.get(mode));
            }
        }
        if (!objectActions.isEmpty()) {
            made.add(statement(id, objectActions, List.of(bucket.arnForObjects(prefix + "*"))));
        }
        if (use.allows("list")) {
            PolicyStatement list = statement(id + "List", List.of("s3:ListBucket"), List.of(bucket.getBucketArn()));
            if (!prefix.isEmpty()) {
                list.addCondition("StringLike", Map.of("s3:prefix", List.of(prefix + "*")));
            }
            made.add(list);
        }
        return made;
    }

    /**
     * A foundation model in the stack's region; or an inference profile ({@code us.anthropic...}), which
     * routes each request to its foundation model in one of several regions: the profile, and the model
     * in any region but only when called through that profile.
     */
    private static List<PolicyStatement> invocations(String id, Use use) {
        Use invoking = new Use(use.kind(), use.name(), use.access().stream()
                .filter(mode -> !mode.equals(BatchInference.ACCESS)).toList(), use.prefix());
        if (invoking.access().isEmpty()) {
            return List.of();
        }
        List<String> actions = actions(MODEL_ACTIONS, invoking);
        String name = use.name();
        int dot = name.indexOf('.');
        if (!INFERENCE_PROFILE_GEOGRAPHIES.contains(name.substring(0, dot))) {
            return List.of(statement(id, actions, List.of("arn:" + Aws.PARTITION + ":bedrock:" + Aws.REGION
                    + "::foundation-model/" + name)));
        }
        String profile = "arn:" + Aws.PARTITION + ":bedrock:" + Aws.REGION + ":" + Aws.ACCOUNT_ID
                + ":inference-profile/" + name;
        PolicyStatement foundation = statement(id + "Routed", actions, List.of("arn:" + Aws.PARTITION
                + ":bedrock:*::foundation-model/" + name.substring(dot + 1)));
        foundation.addCondition("StringEquals", Map.of("bedrock:InferenceProfileArn", profile));
        return List.of(statement(id, actions, List.of(profile)), foundation);
    }

    private static List<String> actions(Map<String, List<String>> byMode, Use use) {
        Set<String> actions = new LinkedHashSet<>();
        for (String mode : use.access()) {
            List<String> these = byMode.get(mode);
            if (these == null) {
                throw new IllegalArgumentException(use + ": the CDK app has no actions for access \"" + mode + "\"");
            }
            actions.addAll(these);
        }
        return List.copyOf(actions);
    }

    static PolicyStatement statement(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
                .build();
    }
}
