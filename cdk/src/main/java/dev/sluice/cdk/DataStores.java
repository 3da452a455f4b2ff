package dev.sluice.cdk;

import dev.sluice.core.topology.BucketSpec;
import dev.sluice.core.topology.TableSpec;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NoncurrentVersionTransition;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.constructs.Construct;

import java.util.List;

/**
 * The topology's tables and buckets: on-demand tables with point-in-time recovery, their TTL and the
 * indexes the stores query; versioned, private, TLS-only buckets with lifecycle rules and, where the
 * topology says so, EventBridge notifications. All encrypted with the stack's key.
 */
final class DataStores {

    /** Old versions of documents and payloads are kept this long: long enough to undo a mistake. */
    static final int NONCURRENT_VERSION_DAYS = 30;

    private DataStores() {
    }

    static void build(Construct scope, Deployed deployed, IKey key, RemovalPolicy removal) {
        for (TableSpec spec : deployed.topology().tables()) {
            deployed.tables.put(spec.name(), table(scope, spec, key, removal));
        }
        for (BucketSpec spec : deployed.topology().buckets()) {
            deployed.buckets.put(spec.name(), bucket(scope, spec, key, removal));
        }
    }

    private static Table table(Construct scope, TableSpec spec, IKey key, RemovalPolicy removal) {
        var props = software.amazon.awscdk.services.dynamodb.TableProps.builder()
                .partitionKey(attribute(spec.partitionKey()))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.CUSTOMER_MANAGED)
                .encryptionKey(key)
                .removalPolicy(removal);
        if (spec.sortKey() != null) {
            props.sortKey(attribute(spec.sortKey()));
        }
        if (spec.timeToLiveAttribute() != null) {
            props.timeToLiveAttribute(spec.timeToLiveAttribute());
        }
        Table table = new Table(scope, "Table" + LogicalIds.of(spec.name()), props.build());
        for (TableSpec.Index index : spec.indexes()) {
            var gsi = GlobalSecondaryIndexProps.builder().indexName(index.name())
                    .partitionKey(attribute(index.partitionKey())).projectionType(ProjectionType.ALL);
            if (index.sortKey() != null) {
                gsi.sortKey(attribute(index.sortKey()));
            }
            table.addGlobalSecondaryIndex(gsi.build());
        }
        return table;
    }

    private static Attribute attribute(TableSpec.Key key) {
        return Attribute.builder().name(key.name())
                .type(key.type().equals("N") ? AttributeType.NUMBER : AttributeType.STRING).build();
    }

    private static Bucket bucket(Construct scope, BucketSpec spec, IKey key, RemovalPolicy removal) {
        Bucket bucket = Bucket.Builder.create(scope, "Bucket" + LogicalIds.of(spec.name()))
                .encryption(BucketEncryption.KMS)
                .encryptionKey(key)
                .bucketKeyEnabled(true)
                .versioned(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-old-versions")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .noncurrentVersionTransitions(List.of(NoncurrentVersionTransition.builder()
                                .storageClass(StorageClass.INFREQUENT_ACCESS)
                                .transitionAfter(Duration.days(NONCURRENT_VERSION_DAYS)).build()))
                        .noncurrentVersionExpiration(Duration.days(NONCURRENT_VERSION_DAYS + 60))
                        .build()))
                .removalPolicy(removal)
                .autoDeleteObjects(false)
                .build();
        if (spec.eventBridge()) {
            // On the bucket itself: CDK's eventBridgeEnabled would set it through a custom resource and its own function.
            ((CfnBucket) bucket.getNode().getDefaultChild()).setNotificationConfiguration(
                    CfnBucket.NotificationConfigurationProperty.builder().eventBridgeConfiguration(
                            CfnBucket.EventBridgeConfigurationProperty.builder().eventBridgeEnabled(true).build())
                            .build());
        }
        Nag.suppress(bucket, "AwsSolutions-S1", "S3 cannot write server access logs to a bucket encrypted with a KMS"
                + " key, which every bucket here is; object-level access is audited with CloudTrail data events");
        return bucket;
    }
}
