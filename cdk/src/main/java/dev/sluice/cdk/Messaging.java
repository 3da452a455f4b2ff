package dev.sluice.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Archive;
import software.amazon.awscdk.services.events.CfnArchive;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Queues with their DLQs at the topology's settings, the buses, every rule of {@code events/rules/}
 * with its targets, retry policy and target DLQ, and an archive of the job bus for replay.
 */
final class Messaging {

    private Messaging() {
    }

    static void queuesAndBuses(Construct scope, Deployed deployed, IKey key, DeploymentSpec deployment) {
        Topology topology = deployed.topology();
        for (QueueSpec spec : topology.queues()) {
            DeadLetterQueue deadLetter = null;
            if (spec.hasDeadLetterQueue()) {
                Queue dlq = queue(scope, spec.deadLetterQueueName(), spec.visibilityTimeoutSeconds(),
                        spec.deadLetter().retentionSeconds(), null, key);
                deployed.queues.put(spec.deadLetterQueueName(), dlq);
                deadLetter = DeadLetterQueue.builder().queue(dlq)
                        .maxReceiveCount(spec.deadLetter().maxReceiveCount()).build();
            }
            Queue queue = queue(scope, spec.name(), spec.visibilityTimeoutSeconds(), spec.retentionSeconds(),
                    deadLetter, key);
            if (deadLetter == null) {
                Nag.suppress(queue, "AwsSolutions-SQS3", "A terminal queue: it is where failures end (an EventBridge"
                        + " target's or an on-failure destination's DLQ), listed and replayed by operators, alarmed");
            }
            deployed.queues.put(spec.name(), queue);
        }
        for (String bus : topology.allEventBuses()) {
            IEventBus made = bus.equals(Topology.DEFAULT_BUS)
                    ? EventBus.fromEventBusName(scope, "DefaultBus", "default")
                    : EventBus.Builder.create(scope, "Bus" + LogicalIds.of(bus)).build();
            deployed.buses.put(bus, made);
        }
        for (String bus : topology.eventBuses()) {
            Archive archive = Archive.Builder.create(scope, "Archive" + LogicalIds.of(bus))
                    .sourceEventBus(deployed.buses.get(bus))
                    .description("Every event of " + bus + ", for sluice events replay")
                    .eventPattern(EventPattern.builder().account(List.of(software.amazon.awscdk.Aws.ACCOUNT_ID)).build())
                    .retention(Duration.days(deployment.archiveRetentionDays()))
                    .build();
            // Not the events a replay puts back (EventBridge marks them with replay-name): archived again, a later
            // replay of the same window would deliver them twice. EventPattern has no member for it.
            ((CfnArchive) archive.getNode().getDefaultChild()).addPropertyOverride("EventPattern.replay-name",
                    List.of(Map.of("exists", false)));
            deployed.archives.put(bus, archive);
        }
    }

    private static Queue queue(Construct scope, String name, int visibility, int retention, DeadLetterQueue deadLetter,
            IKey key) {
        return Queue.Builder.create(scope, "Queue" + LogicalIds.of(name))
                .visibilityTimeout(Duration.seconds(visibility))
                .retentionPeriod(Duration.seconds(retention))
                .deadLetterQueue(deadLetter)
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(key)
                // SQS reuses a data key this long: one KMS call per 5 minutes per queue and caller, not per message.
                .dataKeyReuse(Duration.minutes(5))
                .enforceSsl(true)
                .build();
    }

    /** The rules, once every target (functions through their aliases, state machines) exists. */
    static void rules(Construct scope, Deployed deployed, Map<String, IFunction> functions) {
        for (RuleSpec spec : deployed.topology().rules()) {
            Rule rule = Rule.Builder.create(scope, "Rule" + LogicalIds.of(spec.name()))
                    .eventBus(deployed.buses.get(spec.eventBus()))
                    .description(spec.description())
                    // Replaced whole below: CDK's EventPattern types source as strings, the file may hold matchers.
                    .eventPattern(EventPattern.builder().source(List.of("-")).build())
                    .build();
            // The pattern exactly as written, which Event Ruler matches locally.
            ((CfnRule) rule.getNode().getDefaultChild()).addPropertyOverride("EventPattern",
                    deployedNames(pattern(spec), deployed));
            deployed.rules.put(spec.name(), rule);
            for (TargetSpec target : spec.targets()) {
                rule.addTarget(target(deployed, functions, target));
            }
        }
    }

    private static Map<String, Object> pattern(RuleSpec spec) {
        try {
            return Json.MAPPER.readValue(spec.eventPattern(), new TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("rule " + spec.name() + ": its pattern was checked on load", e);
        }
    }

    /**
     * The pattern with each topology bucket name in {@code detail.bucket.name} (S3's events) replaced by
     * the deployed bucket's name: locally the two are the same, on AWS CloudFormation names buckets.
     */
    private static Map<String, Object> deployedNames(Map<String, Object> pattern, Deployed deployed) {
        if (pattern.get("detail") instanceof Map<?, ?> detail && detail.get("bucket") instanceof Map<?, ?> bucket
                && bucket.get("name") instanceof List<?> names) {
            Map<String, Object> renamedBucket = new java.util.LinkedHashMap<>(cast(bucket));
            renamedBucket.put("name", names.stream().map(n -> n instanceof String name
                    && deployed.buckets.containsKey(name) ? deployed.buckets.get(name).getBucketName() : n).toList());
            Map<String, Object> renamedDetail = new java.util.LinkedHashMap<>(cast(detail));
            renamedDetail.put("bucket", renamedBucket);
            Map<String, Object> renamed = new java.util.LinkedHashMap<>(pattern);
            renamed.put("detail", renamedDetail);
            return renamed;
        }
        return pattern;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static IRuleTarget target(Deployed deployed, Map<String, IFunction> functions, TargetSpec target) {
        TargetSpec.RetryPolicy retry = target.retryPolicy() == null ? TargetSpec.RetryPolicy.AWS_DEFAULT
                : target.retryPolicy();
        Queue dlq = target.deadLetterQueue() == null ? null : deployed.queues.get(target.deadLetterQueue());
        Duration age = Duration.seconds(retry.maximumEventAgeSeconds());
        return switch (target.kind()) {
            case SQS -> SqsQueue.Builder.create(deployed.queues.get(target.resource())).deadLetterQueue(dlq)
                    .retryAttempts(retry.maximumRetryAttempts()).maxEventAge(age).build();
            case LAMBDA -> LambdaFunction.Builder.create(functions.get(target.resource())).deadLetterQueue(dlq)
                    .retryAttempts(retry.maximumRetryAttempts()).maxEventAge(age).build();
            case STATE_MACHINE -> SfnStateMachine.Builder.create(deployed.stateMachines.get(target.resource()))
                    .deadLetterQueue(dlq).retryAttempts(retry.maximumRetryAttempts()).maxEventAge(age).build();
        };
    }
}
