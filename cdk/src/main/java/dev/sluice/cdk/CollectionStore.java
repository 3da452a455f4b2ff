package dev.sluice.cdk;

import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Use;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.opensearchserverless.CfnAccessPolicy;
import software.amazon.awscdk.services.opensearchserverless.CfnCollection;
import software.amazon.awscdk.services.opensearchserverless.CfnSecurityPolicy;
import software.constructs.Construct;

/**
 * An OpenSearch Serverless vector search collection encrypted with the stack's key, reached over its
 * public endpoint with SigV4 (IAM decides who), and a data access policy that gives each function
 * exactly the index permissions of its {@code searchIndex} use.
 */
final class CollectionStore extends Construct implements SearchStore {

    private static final Map<String, List<String>> PERMISSIONS = Map.of(
            "read", List.of("aoss:ReadDocument", "aoss:DescribeIndex"),
            "write", List.of("aoss:WriteDocument", "aoss:DescribeIndex"),
            "create", List.of("aoss:CreateIndex", "aoss:DescribeIndex", "aoss:UpdateIndex"));

    private final String name;
    private final CfnCollection collection;
    private final SearchIndexSetup setup;
    private final Map<IRole, Set<String>> permissions = new LinkedHashMap<>();

    CollectionStore(Construct scope, String id, String name, DeploymentSpec.Collection spec, IKey key,
            RemovalPolicy removal, SearchIndexSetup setup) {
        super(scope, id);
        this.name = name;
        this.setup = setup;
        List<Map<String, Object>> collectionRule = List.of(Map.of("ResourceType", "collection",
                "Resource", List.of("collection/" + name)));
        CfnSecurityPolicy encryption = CfnSecurityPolicy.Builder.create(this, "Encryption")
                .name(name + "-enc").type("encryption")
                .policy(StableJson.write(Map.of("Rules", collectionRule, "AWSOwnedKey", false, "KmsARN", key.getKeyArn())))
                .build();
        CfnSecurityPolicy network = CfnSecurityPolicy.Builder.create(this, "Network")
                .name(name + "-net").type("network")
                .policy(StableJson.write(List.of(Map.of("Rules", collectionRule, "AllowFromPublic", true))))
                .build();
        collection = CfnCollection.Builder.create(this, "Collection").name(name).type("VECTORSEARCH")
                .standbyReplicas(spec.standbyReplicas() ? "ENABLED" : "DISABLED")
                .description("Sluice document chunks (k-NN)").build();
        collection.getNode().addDependency(encryption, network);
        collection.applyRemovalPolicy(removal);
    }

    @Override
    public String endpoint() {
        return collection.getAttrCollectionEndpoint();
    }

    @Override
    public List<PolicyStatement> statements(String sid, Use use) {
        // aoss has one IAM action for the data plane; what a role may do to which index is the data access policy's.
        return List.of(AccessPolicies.statement(sid, List.of("aoss:APIAccessAll"), List.of(collection.getAttrArn())));
    }

    @Override
    public void allow(IRole role, Use use) {
        Set<String> granted = permissions.computeIfAbsent(role, r -> new LinkedHashSet<>());
        use.access().forEach(mode -> granted.addAll(PERMISSIONS.get(mode)));
    }

    @Override
    public void finish(List<String> indexes, int dimensions) {
        allow(setup.role(), new Use(ResourceKind.SEARCH_INDEX, "setup", "create"));
        setup.grant(AccessPolicies.statement("SearchSetup", List.of("aoss:APIAccessAll"),
                List.of(collection.getAttrArn())));
        List<Object> rules = new ArrayList<>();
        permissions.forEach((role, granted) -> rules.add(Map.of(
                "Rules", List.of(Map.of("ResourceType", "index", "Resource", indexes.stream()
                                .map(index -> "index/" + name + "/" + index).toList(),
                        "Permission", List.copyOf(granted))),
                "Principal", List.of(role.getRoleArn()))));
        CfnAccessPolicy access = CfnAccessPolicy.Builder.create(this, "DataAccess")
                .name(name + "-access").type("data")
                .policy(StableJson.write(rules))
                .build();
        for (String index : indexes) {
            var resource = setup.index(index, dimensions, Map.of("Service", "aoss", "Endpoint", endpoint()));
            resource.getNode().addDependency(access);
        }
    }

    @Override
    public Optional<Network> network() {
        return Optional.empty();
    }
}
