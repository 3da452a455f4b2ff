package dev.sluice.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * Uploads the repo's {@code templates/prompts/} into the templates bucket under {@code prompts/} at
 * deploy time, the layout the AI workers and the api read there ({@code PromptTemplates.s3}:
 * {@code prompts/{name}/{version}/{user,system}.mustache}); without it a new stack's bucket is empty
 * and every AI job fails {@code template_not_found}.
 *
 * <p>Nothing is pruned and nothing deleted, on update or on stack deletion: a version is a key of its
 * own, a queued job may pin one the repo has since dropped, and an operator may have added one to the
 * bucket; the bucket is versioned besides. So the upload's role may only list {@code prompts/}, put
 * objects under it, read its own asset and make data keys through S3. The role is this construct's,
 * made immutable before CDK's BucketDeployment sees it: its own grants (wildcard actions such as
 * {@code s3:GetObject*}, {@code s3:DeleteObject*}, {@code kms:ReEncrypt*}) would be more than the
 * upload needs.
 */
final class PromptTemplateUpload extends Construct {

    /** The templates bucket of the topology (the AI workers' and the api's {@code TEMPLATES_BUCKET}). */
    static final String BUCKET = "sluice-templates";
    /** The repo's templates, relative to its root; uploaded under {@link #PREFIX}. */
    static final String SOURCE = "templates/prompts";
    static final String PREFIX = "prompts/";
    /** CDK's BucketDeployment makes its handler one singleton function per stack, under this id and a UUID. */
    private static final String HANDLER_ID = "Custom::CDKBucketDeployment";

    private final Asset asset;

    PromptTemplateUpload(Construct scope, String id, Path root, Bucket bucket, IKey key, RetentionDays retention,
            RemovalPolicy removal) {
        super(scope, id);
        Path source = root.resolve(SOURCE);
        if (!Files.isDirectory(source)) {
            throw new IllegalStateException("the prompt templates are not at " + source);
        }
        asset = Asset.Builder.create(this, "Templates").path(source.toString()).build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        Role role = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Uploads the prompt templates into " + BUCKET + " under " + PREFIX + " (deploy time)")
                .build();
        for (PolicyStatement statement : statements(bucket, key, logs)) {
            role.addToPrincipalPolicy(statement);
        }
        // The handler depends on the role and its policy (CDK's Function does so), the upload on the handler.
        BucketDeployment.Builder.create(this, "Deployment")
                .sources(List.of(Source.bucket(asset.getBucket(), asset.getS3ObjectKey())))
                .destinationBucket(bucket)
                .destinationKeyPrefix(PREFIX)
                .prune(false)
                .retainOnDelete(true)
                .role(role.withoutPolicyUpdates())
                .logGroup(logs)
                .build();

        Nag.suppress(role, "AwsSolutions-IAM5", "Templates have no ARN until uploaded: objects under the prompts/"
                + " prefix of the templates bucket only", List.of(
                        "regex:/^Resource::<Bucket" + LogicalIds.of(BUCKET) + "[0-9A-F]{8}\\.Arn>\\/prompts\\/\\*$/"));
        Nag.suppress(handler(), "AwsSolutions-L1", "CDK's BucketDeployment picks its handler's Python runtime");
    }

    private List<PolicyStatement> statements(Bucket bucket, IKey key, LogGroup logs) {
        PolicyStatement list = AccessPolicies.statement("ListTemplates", List.of("s3:ListBucket"),
                List.of(bucket.getBucketArn()));
        list.addCondition("StringLike", Map.of("s3:prefix", List.of(PREFIX + "*")));
        PolicyStatement dataKeys = AccessPolicies.statement("KeyS3", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                List.of(key.getKeyArn()));
        dataKeys.addCondition("StringEquals", Map.of("kms:ViaService", "s3." + Aws.REGION + ".amazonaws.com"));
        return List.of(
                AccessPolicies.statement("ReadAsset", List.of("s3:GetObject"),
                        List.of(asset.getBucket().arnForObjects(asset.getS3ObjectKey()))),
                list,
                AccessPolicies.statement("PutTemplates", List.of("s3:PutObject"),
                        List.of(bucket.arnForObjects(PREFIX + "*"))),
                dataKeys,
                AccessPolicies.statement("WriteLogs", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                        List.of(logs.getLogGroupArn())));
    }

    /** The function CDK made for the deployment: in the stack, not under the deployment, being a singleton. */
    private IConstruct handler() {
        List<IConstruct> found = Stack.of(this).getNode().getChildren().stream()
                .filter(c -> c.getNode().getId().startsWith(HANDLER_ID)).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected CDK's one BucketDeployment handler, found " + found.size());
        }
        return found.get(0);
    }
}
