package dev.sluice.cdk;

import dev.sluice.core.topology.Use;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * Where the search indexes live on AWS: a Serverless collection or a managed domain. Either way a
 * function's IAM statements and its data-plane permissions come from its {@code searchIndex} use.
 */
interface SearchStore {

    /** The https endpoint functions sign requests to. */
    String endpoint();

    /** The IAM statements of one {@code searchIndex} use. */
    List<PolicyStatement> statements(String sid, Use use);

    /** Lets {@code role} use the index as {@code use} says, inside the store (its data access policy or role mapping). */
    void allow(IRole role, Use use);

    /**
     * Creates what needs every role known (data access policy, role mapping) and the indexes, with
     * vectors of {@code dimensions}; called once, after the functions.
     */
    void finish(List<String> indexes, int dimensions);

    /** The network functions that use the store must join, when it is in a VPC. */
    Optional<Network> network();

    record Network(IVpc vpc, ISecurityGroup clients) {
    }
}
