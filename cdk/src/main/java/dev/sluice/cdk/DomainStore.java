package dev.sluice.cdk;

import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.Use;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.FlowLog;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogResourceType;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.CfnResourcePolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.opensearchservice.CapacityConfig;
import software.amazon.awscdk.services.opensearchservice.Domain;
import software.amazon.awscdk.services.opensearchservice.EbsOptions;
import software.amazon.awscdk.services.opensearchservice.EncryptionAtRestOptions;
import software.amazon.awscdk.services.opensearchservice.EngineVersion;
import software.amazon.awscdk.services.opensearchservice.AdvancedSecurityOptions;
import software.amazon.awscdk.services.opensearchservice.LoggingOptions;
import software.amazon.awscdk.services.opensearchservice.TLSSecurityPolicy;
import software.amazon.awscdk.services.opensearchservice.ZoneAwarenessConfig;
import software.constructs.Construct;

/**
 * A managed OpenSearch domain: encrypted at rest with the stack's key, node-to-node and TLS 1.2,
 * fine-grained access control whose IAM master is the index setup's role (which maps the functions'
 * roles to index permissions), logs to CloudWatch, and, where the stage says so, in a VPC of its own
 * that the functions using it join.
 */
final class DomainStore extends Construct implements SearchStore {

    /** The HTTP methods each access mode sends: reads search with POST, writes are bulk POSTs and deletes. */
    private static final Map<String, List<String>> METHODS = Map.of(
            "read", List.of("es:ESHttpGet", "es:ESHttpPost", "es:ESHttpHead"),
            "write", List.of("es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpHead"),
            "create", List.of("es:ESHttpPut", "es:ESHttpHead", "es:ESHttpGet"));
    private final Domain domain;
    private final SearchIndexSetup setup;
    private final Network network;
    private final List<IRole> roles = new ArrayList<>();

    DomainStore(Construct scope, String id, DeploymentSpec.Domain spec, IKey key, RetentionDays retention,
            RemovalPolicy removal, SearchIndexSetup.Factory setupFactory) {
        super(scope, id);
        network = spec.vpc() ? network(key, retention, removal) : null;
        setup = setupFactory.create(this, Optional.ofNullable(network));
        LogGroup slowLogs = LogGroup.Builder.create(this, "SlowSearchLogs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        LogGroup appLogs = LogGroup.Builder.create(this, "AppLogs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        LogGroup auditLogs = LogGroup.Builder.create(this, "AuditLogs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        var props = Domain.Builder.create(this, "Domain")
                .version(EngineVersion.OPENSEARCH_2_19)
                .capacity(CapacityConfig.builder().dataNodes(spec.instanceCount())
                        .dataNodeInstanceType(spec.instanceType()).multiAzWithStandbyEnabled(false).build())
                .ebs(EbsOptions.builder().volumeSize(spec.volumeGb())
                        .volumeType(software.amazon.awscdk.services.ec2.EbsDeviceVolumeType.GP3).build())
                .encryptionAtRest(EncryptionAtRestOptions.builder().enabled(true).kmsKey(key).build())
                .nodeToNodeEncryption(true)
                .enforceHttps(true)
                .tlsSecurityPolicy(TLSSecurityPolicy.TLS_1_2)
                .fineGrainedAccessControl(AdvancedSecurityOptions.builder().masterUserArn(setup.role().getRoleArn())
                        .build())
                .logging(LoggingOptions.builder().slowSearchLogEnabled(true).slowSearchLogGroup(slowLogs)
                        .slowIndexLogEnabled(true).slowIndexLogGroup(slowLogs)
                        .appLogEnabled(true).appLogGroup(appLogs).auditLogEnabled(true).auditLogGroup(auditLogs)
                        .build())
                // CDK would write the logs' resource policy with a custom resource; the one below is plain CloudFormation.
                .suppressLogsResourcePolicy(true)
                .removalPolicy(removal);
        if (spec.instanceCount() > 1) {
            props.zoneAwareness(ZoneAwarenessConfig.builder().enabled(true)
                    .availabilityZoneCount(Math.min(spec.instanceCount(), 2)).build());
        }
        if (network != null) {
            SecurityGroup domainGroup = SecurityGroup.Builder.create(this, "DomainGroup").vpc(network.vpc())
                    .description("The search domain: HTTPS from the functions that use it").allowAllOutbound(false)
                    .build();
            domainGroup.addIngressRule(network.clients(), Port.tcp(443), "functions using the search index");
            // One subnet per zone the domain spreads over: a single node takes exactly one.
            var zones = network.vpc().getAvailabilityZones();
            props.vpc(network.vpc()).securityGroups(List.of(domainGroup)).vpcSubnets(List.of(SubnetSelection.builder()
                    .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                    .availabilityZones(zones.subList(0, Math.min(spec.instanceCount(), zones.size()))).build()));
        }
        domain = props.build();
        Nag.suppress(domain, "AwsSolutions-OS3", "Access is by IAM identity (SigV4) and fine-grained access control,"
                + " not by source IP: Lambda functions have no fixed addresses");
        Nag.suppress(domain, "AwsSolutions-OS5", "No resource policy: only principals of this account whose identity"
                + " policies allow es:ESHttp* reach it, each mapped by fine-grained access control");
        Nag.suppress(domain, "AwsSolutions-OS4", "Dedicated master nodes triple the cost of a " + spec.instanceCount()
                + "-node domain; choose a collection (prod) where that availability is needed");
        if (network == null) {
            Nag.suppress(domain, "AwsSolutions-OS1", "This stage's domain has a public endpoint by choice (no NAT"
                    + " gateway to pay for): TLS 1.2, SigV4 and fine-grained access control guard it");
        }
        if (spec.instanceCount() < 2) {
            Nag.suppress(domain, "AwsSolutions-OS7", "A single-node domain (this stage's choice, for cost) has no"
                    + " second zone to replicate to");
        }
        CfnResourcePolicy logsPolicy = CfnResourcePolicy.Builder.create(this, "LogsPolicy")
                .policyName(Fn.join("-", List.of(software.amazon.awscdk.Aws.STACK_NAME, "search-logs")))
                .policyDocument(StableJson.write(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Effect", "Allow", "Principal", Map.of("Service", "es.amazonaws.com"),
                        "Action", List.of("logs:PutLogEvents", "logs:CreateLogStream"),
                        "Resource", List.of(slowLogs.getLogGroupArn(), appLogs.getLogGroupArn(),
                                auditLogs.getLogGroupArn()))))))
                .build();
        domain.getNode().addDependency(logsPolicy);
    }

    private Network network(IKey key, RetentionDays retention, RemovalPolicy removal) {
        Vpc vpc = Vpc.Builder.create(this, "Vpc").maxAzs(2).natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(22).build()))
                .build();
        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
        FlowLog.Builder.create(this, "FlowLog").resourceType(FlowLogResourceType.fromVpc(vpc))
                .destination(FlowLogDestination.toCloudWatchLogs(flowLogs)).build();
        SecurityGroup clients = SecurityGroup.Builder.create(this, "ClientGroup").vpc(vpc)
                .description("Functions that use the search domain").allowAllOutbound(true).build();
        return new Network(vpc, clients);
    }

    @Override
    public String endpoint() {
        return "https://" + domain.getDomainEndpoint();
    }

    @Override
    public List<PolicyStatement> statements(String sid, Use use) {
        Set<String> actions = new LinkedHashSet<>();
        use.access().forEach(mode -> actions.addAll(METHODS.get(mode)));
        // Bulk writes go to /_bulk at the domain's root; everything else names the index.
        List<String> resources = new ArrayList<>(List.of(domain.getDomainArn() + "/" + use.name(),
                domain.getDomainArn() + "/" + use.name() + "/*"));
        if (use.allows("write")) {
            resources.add(domain.getDomainArn() + "/_bulk");
        }
        return List.of(AccessPolicies.statement(sid, List.copyOf(actions), resources));
    }

    @Override
    public void allow(IRole role, Use use) {
        // The role mapping gives read and write on the index; IAM (statements) is the gate per access mode.
        roles.add(role);
    }

    @Override
    public void finish(List<String> indexes, int dimensions) {
        setup.grant(AccessPolicies.statement("DescribeDomain", List.of("es:DescribeDomain"),
                List.of(domain.getDomainArn())));
        List<String> resources = new ArrayList<>(List.of(domain.getDomainArn() + "/_plugins/_security/api/*"));
        indexes.forEach(index -> {
            resources.add(domain.getDomainArn() + "/" + index);
            resources.add(domain.getDomainArn() + "/" + index + "/*");
        });
        setup.grant(AccessPolicies.statement("SetupIndex", List.of("es:ESHttpGet", "es:ESHttpPut", "es:ESHttpHead"),
                resources));
        for (String index : indexes) {
            var resource = setup.index(index, dimensions, Map.of("Service", "es", "DomainName", domain.getDomainName(),
                    "BackendRoles", Fn.join(",", roles.stream().map(IRole::getRoleArn).distinct().toList())));
            resource.getNode().addDependency(domain);
        }
    }

    @Override
    public Optional<Network> network() {
        return Optional.ofNullable(network);
    }
}
