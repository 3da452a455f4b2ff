package dev.sluice.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.opensearchserverless.CfnCollection;
import software.amazon.awscdk.services.opensearchserverless.CfnSecurityPolicy;
import software.amazon.awscdk.services.opensearchservice.CfnDomain;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.sns.CfnTopic;
import software.amazon.awscdk.services.sqs.CfnQueue;
import software.constructs.IConstruct;

/**
 * Fails synth when a queue, table, bucket, topic, log group, collection or domain is not encrypted
 * with a customer-managed key: whatever added it (this app, a CDK construct, a later change).
 */
final class EncryptionCheck implements IAspect {

    @Override
    public void visit(IConstruct node) {
        String problem = switch (node) {
            case CfnQueue q when q.getKmsMasterKeyId() == null -> "queue without a KMS key";
            case CfnTopic t when t.getKmsMasterKeyId() == null -> "topic without a KMS key";
            case CfnLogGroup l when l.getKmsKeyId() == null -> "log group without a KMS key";
            case CfnTable t when !tableEncrypted(resolved(t, t.getSseSpecification())) ->
                    "table not encrypted with a customer-managed key";
            case CfnBucket b when !bucketEncrypted(resolved(b, b.getBucketEncryption())) ->
                    "bucket not encrypted with a KMS key";
            case CfnDomain d when !domainEncrypted(resolved(d, d.getEncryptionAtRestOptions())) ->
                    "domain not encrypted at rest with a KMS key";
            case CfnCollection c when !collectionEncrypted(c) -> "collection without an encryption policy naming a key";
            default -> null;
        };
        if (problem != null) {
            throw new UnencryptedResourceException(node.getNode().getPath() + ": " + problem);
        }
    }

    /** An L1 property as CloudFormation will get it (camelCase keys): jsii hands structs back untyped. */
    private static JsonNode resolved(IConstruct node, Object property) {
        return Json.MAPPER.valueToTree(property == null ? null : Stack.of(node).resolve(property));
    }

    private static boolean tableEncrypted(JsonNode sse) {
        return sse.path("sseEnabled").asBoolean() && sse.path("sseType").asText().equals("KMS")
                && sse.hasNonNull("kmsMasterKeyId");
    }

    private static boolean bucketEncrypted(JsonNode encryption) {
        JsonNode rules = encryption.path("serverSideEncryptionConfiguration");
        return rules.size() > 0 && rules.findValues("serverSideEncryptionByDefault").stream()
                .allMatch(d -> d.path("sseAlgorithm").asText().equals("aws:kms") && d.hasNonNull("kmsMasterKeyId"));
    }

    private static boolean domainEncrypted(JsonNode atRest) {
        return atRest.path("enabled").asBoolean() && atRest.hasNonNull("kmsKeyId");
    }

    private static boolean collectionEncrypted(CfnCollection collection) {
        String name = collection.getName();
        return Stack.of(collection).getNode().findAll().stream()
                .anyMatch(c -> c instanceof CfnSecurityPolicy p && "encryption".equals(p.getType())
                        && p.getPolicy().contains("collection/" + name) && p.getPolicy().contains("KmsARN")
                        && !p.getPolicy().contains("\"AWSOwnedKey\":true"));
    }

    /** A resource the check refused, named by its construct path. */
    static final class UnencryptedResourceException extends IllegalStateException {
        UnencryptedResourceException(String problem) {
            super(problem + "; every queue, table, bucket, topic, log group and search store is encrypted with the"
                    + " stack's key");
        }
    }
}
