package dev.sluice.cdk;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Use;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The service roles Bedrock assumes to run batch inference jobs: one per model a function uses with
 * {@code batch-inference} (what {@code ${batchRole:MODEL}} names). Only Bedrock, for this account's
 * batch jobs, may assume it, and it may only read and write the {@code batch/} prefix of the buckets the
 * topology's functions keep batches in (their bucket uses with that prefix), through the stack's key.
 */
final class BatchInference {

    static final String ACCESS = "batch-inference";
    /** Where a batch's input and output live in a bucket (the batch lane's BatchRun writes there). */
    static final String PREFIX = "batch/";

    private BatchInference() {
    }

    static void build(Construct scope, Deployed deployed, IKey key) {
        Set<String> models = new LinkedHashSet<>();
        Set<String> buckets = new LinkedHashSet<>();
        for (FunctionSpec f : deployed.topology().functions()) {
            for (Use use : f.uses()) {
                if (use.kind() == ResourceKind.MODEL && use.allows(ACCESS)) {
                    models.add(use.name());
                }
                if (use.kind() == ResourceKind.BUCKET && PREFIX.equals(use.prefix())) {
                    buckets.add(use.name());
                }
            }
        }
        for (String model : models) {
            String id = "BedrockBatchRole" + LogicalIds.of(model);
            Map<String, Object> conditions = new LinkedHashMap<>();
            conditions.put("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID));
            conditions.put("ArnLike", Map.of("aws:SourceArn", "arn:" + Aws.PARTITION + ":bedrock:" + Aws.REGION + ":"
                    + Aws.ACCOUNT_ID + ":model-invocation-job/*"));
            Role role = Role.Builder.create(scope, id)
                    .assumedBy(new ServicePrincipal("bedrock.amazonaws.com").withConditions(conditions))
                    .description("Bedrock batch inference of " + model + ": reads and writes the batches under "
                            + PREFIX)
                    .build();
            for (String name : buckets) {
                var bucket = deployed.buckets.get(name);
                role.addToPrincipalPolicy(PolicyStatement.Builder.create().sid(LogicalIds.of("Batches" + name))
                        .effect(Effect.ALLOW).actions(List.of("s3:GetObject", "s3:PutObject"))
                        .resources(List.of(bucket.arnForObjects(PREFIX + "*"))).build());
                role.addToPrincipalPolicy(PolicyStatement.Builder.create().sid(LogicalIds.of("ListBatches" + name))
                        .effect(Effect.ALLOW).actions(List.of("s3:ListBucket"))
                        .resources(List.of(bucket.getBucketArn()))
                        .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "*")))).build());
            }
            role.addToPrincipalPolicy(PolicyStatement.Builder.create().sid("KeyS3").effect(Effect.ALLOW)
                    .actions(List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"))
                    .resources(List.of(key.getKeyArn()))
                    .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "s3." + Aws.REGION + ".amazonaws.com")))
                    .build());
            Nag.suppress(role, "AwsSolutions-IAM5", "Batch inputs and outputs have no ARN until Bedrock and the"
                    + " collector write them: objects under the batch/ prefix only", List.of(
                            "regex:/^Resource::.*\\/batch\\/\\*$/"));
            deployed.batchRoles.put(model, role);
        }
    }
}
