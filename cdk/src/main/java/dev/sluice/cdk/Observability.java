package dev.sluice.cdk;

import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.workers.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Alarms, all to one encrypted topic: a message in any DLQ, and one there for half its retention;
 * the oldest message of a work queue too old; per function, an error rate and a p95 duration over the stage's thresholds; the day's
 * {@code CostUsd}; a usage plan's quota nearly used. And one dashboard of throughput, latency,
 * errors, DLQ depths and cost.
 */
final class Observability {

    /** Where Sluice's own metrics (EMF) go: the namespace the handlers write them in. */
    static final String NAMESPACE = Metrics.NAMESPACE;

    private Observability() {
    }

    static Topic build(Construct scope, Deployed deployed, Map<String, Functions.Deployment> functions,
            Map<String, Map<String, UsagePlan>> usagePlans, DeploymentSpec deployment, IKey key) {
        DeploymentSpec.Alarms thresholds = deployment.alarms();
        Topic topic = Topic.Builder.create(scope, "AlarmTopic").displayName("Sluice alarms").masterKey(key)
                .enforceSsl(true).build();
        SnsAction notify = new SnsAction(topic);
        Topology topology = deployed.topology();
        List<IMetric> dlqDepths = new ArrayList<>();
        List<IMetric> queueAges = new ArrayList<>();
        for (QueueSpec spec : topology.queues()) {
            if (spec.hasDeadLetterQueue()) {
                Queue queue = deployed.queues.get(spec.name());
                Metric age = queue.metricApproximateAgeOfOldestMessage(metric(Duration.minutes(5), "Maximum",
                        spec.name()));
                queueAges.add(age);
                alarm(scope, "Alarm" + LogicalIds.of(spec.name()) + "Age", age, thresholds.queueAgeSeconds(),
                        "The oldest message of " + spec.name() + " waits over " + thresholds.queueAgeSeconds() + " s",
                        notify);
                dlqDepths.add(deadLetterAlarms(scope, deployed, spec.deadLetterQueueName(),
                        spec.deadLetter().retentionSeconds(), notify));
            } else {
                // A queue without a DLQ of its own is where failures end: an EventBridge target's or on-failure DLQ.
                dlqDepths.add(deadLetterAlarms(scope, deployed, spec.name(), spec.retentionSeconds(), notify));
            }
        }
        List<IMetric> invocations = new ArrayList<>();
        List<IMetric> errors = new ArrayList<>();
        List<IMetric> durations = new ArrayList<>();
        for (Functions.Deployment f : functions.values()) {
            String name = f.spec().name();
            Metric calls = f.function().metricInvocations(metric(Duration.minutes(5), "Sum", name));
            Metric failed = f.function().metricErrors(metric(Duration.minutes(5), "Sum", name));
            Metric p95 = f.function().metricDuration(metric(Duration.minutes(5), "p95", name));
            invocations.add(calls);
            errors.add(failed);
            durations.add(p95);
            MathExpression rate = MathExpression.Builder.create()
                    .expression("IF(calls > 0, 100 * failed / calls, 0)")
                    .usingMetrics(new TreeMap<>(Map.of("calls", calls, "failed", failed)))
                    .label(name + " error %").period(Duration.minutes(5)).build();
            alarm(scope, "Alarm" + LogicalIds.of(name) + "ErrorRate", rate, thresholds.errorRatePercent(),
                    name + ": over " + thresholds.errorRatePercent() + " % of invocations failed for 5 minutes", notify);
            alarm(scope, "Alarm" + LogicalIds.of(name) + "Duration", p95, thresholds.p95DurationMs(),
                    name + ": p95 duration over " + thresholds.p95DurationMs() + " ms", notify);
        }
        Metric cost = Metric.Builder.create().namespace(NAMESPACE).metricName("CostUsd").statistic("Sum")
                .period(Duration.days(1)).label("CostUsd").build();
        alarm(scope, "AlarmCostUsd", cost, thresholds.costUsdPerDay(),
                "Model spend over $" + thresholds.costUsdPerDay() + " today", notify);
        usagePlans.forEach((api, plans) -> plans.keySet().forEach(plan -> {
            Metric used = Metric.Builder.create().namespace(NAMESPACE).metricName("UsagePlanQuotaUsedPercent")
                    .dimensionsMap(new TreeMap<>(Map.of("Api", api, "UsagePlan", plan))).statistic("Maximum")
                    .period(Duration.hours(1)).build();
            alarm(scope, "Alarm" + LogicalIds.of(api + "-" + plan) + "Quota", used, thresholds.quotaPercent(),
                    "A key of usage plan " + plan + " used over " + thresholds.quotaPercent() + " % of its quota", notify);
        }));
        Dashboard dashboard = Dashboard.Builder.create(scope, "Dashboard").build();
        dashboard.addWidgets(graph("Throughput: invocations per function", invocations),
                graph("Latency: p95 duration per function (ms)", durations));
        dashboard.addWidgets(graph("Errors per function", errors), graph("DLQ depths", dlqDepths));
        dashboard.addWidgets(graph("Age of the oldest message (s)", queueAges), graph("Cost (USD per day)", List.of(cost)));
        return topic;
    }

    /**
     * A DLQ's alarms: a message visible, and one there for half the DLQ's retention, since its
     * messages expire with it and none may be lost unseen. Returns the depth, for the dashboard.
     */
    private static Metric deadLetterAlarms(Construct scope, Deployed deployed, String name, int retentionSeconds,
            SnsAction notify) {
        Queue queue = deployed.queues.get(name);
        Metric depth = queue.metricApproximateNumberOfMessagesVisible(metric(Duration.minutes(1), "Maximum", name));
        alarm(scope, "Alarm" + LogicalIds.of(name) + "Messages", depth, 0,
                "Messages in " + name + ": failed work waits for an operator (sluice dlq list)", notify);
        int halfRetention = retentionSeconds / 2;
        Metric age = queue.metricApproximateAgeOfOldestMessage(metric(Duration.minutes(5), "Maximum", name));
        alarm(scope, "Alarm" + LogicalIds.of(name) + "Age", age, halfRetention, "The oldest message of " + name
                + " is over " + halfRetention / 86_400 + " days old: replay or purge it before it expires", notify);
        return depth;
    }

    private static software.amazon.awscdk.services.cloudwatch.MetricOptions metric(Duration period, String statistic,
            String label) {
        return software.amazon.awscdk.services.cloudwatch.MetricOptions.builder().period(period).statistic(statistic)
                .label(label).build();
    }

    private static void alarm(Construct scope, String id, IMetric metric, double threshold, String description,
            SnsAction notify) {
        Alarm alarm = Alarm.Builder.create(scope, id).metric(metric).threshold(threshold).evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).alarmDescription(description).build();
        alarm.addAlarmAction(notify);
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).height(6).build();
    }
}
