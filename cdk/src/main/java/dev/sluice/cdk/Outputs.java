package dev.sluice.cdk;

import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.ResourceKind;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * One output per endpoint, table, queue, bucket, bus (and its archive), rule, state machine and function, so that a
 * {@code sluice} command finds a deployed stack's resources from {@code DescribeStacks} alone. Each
 * output's description is the topology reference it stands for ({@code table:sluice-jobs}), its
 * key the same in CamelCase ({@code TableSluiceJobs}).
 */
final class Outputs {

    private Outputs() {
    }

    static void build(Construct scope, Deployed deployed, Map<String, Functions.Deployment> functions,
            Map<String, RestApi> restApis, Topic alarms) {
        deployed.tables.forEach((name, table) -> output(scope, ResourceKind.TABLE.key(), name, table.getTableName()));
        deployed.queues.forEach((name, queue) -> output(scope, "queueUrl", name, queue.getQueueUrl()));
        deployed.buckets.forEach((name, bucket) -> output(scope, ResourceKind.BUCKET.key(), name, bucket.getBucketName()));
        deployed.buses.forEach((name, bus) -> output(scope, ResourceKind.BUS.key(), name, bus.getEventBusName()));
        deployed.archives.forEach((bus, archive) -> output(scope, "archive", bus, archive.getArchiveArn()));
        deployed.rules.forEach((name, rule) -> output(scope, "rule", name, rule.getRuleArn()));
        deployed.stateMachines.forEach((name, machine) -> output(scope, ResourceKind.STATE_MACHINE.key(), name,
                machine.getStateMachineArn()));
        functions.forEach((name, f) -> output(scope, "function", name, f.alias().getFunctionArn()));
        restApis.forEach((name, api) -> output(scope, "api", name, api.getUrl()));
        for (ApiSpec spec : deployed.topology().apis()) {
            if (spec.protocol() == ApiSpec.Protocol.WEBSOCKET) {
                var stage = deployed.webSocketStages.get(spec.name());
                output(scope, "api", spec.name(), stage.getUrl());
                output(scope, "webSocketManagement", spec.name(), stage.getCallbackUrl());
            }
        }
        for (String index : deployed.topology().searchIndexes()) {
            output(scope, "searchEndpoint", index, deployed.searchStore.endpoint());
        }
        output(scope, "topic", "alarms", alarms.getTopicArn());
    }

    private static void output(Construct scope, String kind, String name, String value) {
        CfnOutput.Builder.create(scope, "Output" + LogicalIds.of(kind) + LogicalIds.of(name))
                .key(LogicalIds.of(kind) + LogicalIds.of(name))
                .description(kind + ":" + name)
                .value(value)
                .build();
    }
}
