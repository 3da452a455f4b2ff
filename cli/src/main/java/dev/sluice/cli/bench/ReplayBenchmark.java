package dev.sluice.cli.bench;

import dev.sluice.cli.Directories;
import dev.sluice.cli.where.LocalDeployment;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.dlq.DeadLetterOperations;
import dev.sluice.operations.dlq.ReplayItem;
import dev.sluice.operations.dlq.ReplayListener;
import dev.sluice.operations.dlq.ReplayReport;
import dev.sluice.operations.dlq.ReplayRequest;
import dev.sluice.operations.select.MessagePattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@code sluice dlq replay} on the local stack (ElasticMQ, DynamoDB Local for the audit), one thread as the command
 * runs:
 * <ol>
 * <li>throughput at an unlimited rate against raw SQS receive → send → delete of the same messages, one send and
 * one delete per message as the replay does, in the same run;</li>
 * <li>the accuracy of {@code --rate}: the achieved rate, (n - 1) sends over the time from the first send to the
 * last, against the rate asked.</li>
 * </ol>
 * The queue has no consumer, so only the replay is measured.
 */
public final class ReplayBenchmark {

    private static final String SOURCE = "bench";
    private static final String DLQ = "bench-dlq";
    private static final String BODY = "{\"version\":\"0\",\"id\":\"%d\",\"detail-type\":\"Job Submitted\","
            + "\"source\":\"sluice.jobs\",\"detail\":{\"jobId\":\"bench-%08d\",\"tenantId\":\"bench\","
            + "\"type\":\"analytics.event\"}}";

    private final int messages;
    private final List<Double> rates;
    private final double secondsPerRate;

    public ReplayBenchmark(int messages, List<Double> rates, double secondsPerRate) {
        this.messages = messages;
        this.rates = List.copyOf(rates);
        this.secondsPerRate = secondsPerRate;
    }

    public String run() throws Exception {
        Path state = Files.createTempDirectory("sluice-bench-replay-");
        Topology topology = new Topology(List.of(), List.of(new QueueSpec(SOURCE, 60, 3600,
                new QueueSpec.DeadLetter(3, 3600))), List.of(), Definitions.bundled().topology().tables().stream()
                .filter(t -> t.name().equals(AuditLog.TABLE)).toList(), List.of(), List.of(), List.of(), List.of());
        try (LocalRuntime runtime = LocalRuntime.start(topology, state, LocalRuntime.Options.defaults());
                LocalDeployment deployment = new LocalDeployment(topology, state, runtime.endpoints())) {
            SqsClient sqs = deployment.sqs();
            String source = sqs.getQueueUrl(b -> b.queueName(SOURCE)).queueUrl();
            String dlq = sqs.getQueueUrl(b -> b.queueName(DLQ)).queueUrl();
            DeadLetterOperations operations = new DeadLetterOperations(deployment,
                    new AuditLog(deployment.dynamoDb(), AuditLog.TABLE, Clock.systemUTC()), Clock.systemUTC());
            // Warm-up: class loading, JIT, connection pools.
            replay(sqs, operations, source, dlq, 300);
            raw(sqs, source, dlq, 300);

            double replayPerSecond = replay(sqs, operations, source, dlq, messages);
            double rawPerSecond = raw(sqs, source, dlq, messages);
            List<double[]> accuracy = new ArrayList<>();
            for (double rate : rates) {
                int n = Math.max(2, (int) Math.round(rate * secondsPerRate) + 1);
                accuracy.add(new double[] {rate, n, atRate(sqs, operations, source, dlq, n, rate)});
            }
            return report(replayPerSecond, rawPerSecond, accuracy);
        } finally {
            Directories.deleteRecursively(state);
        }
    }

    /** Messages per second the unlimited replay moves. */
    private double replay(SqsClient sqs, DeadLetterOperations operations, String source, String dlq, int n) {
        fill(sqs, dlq, n);
        long started = System.nanoTime();
        ReplayReport report = operations.replay(DLQ, new ReplayRequest(MessagePattern.all(), null, null, false, true,
                ReplayRequest.DEFAULT_MAX_REPLAYS, null, "cli"), ReplayListener.NONE);
        double seconds = (System.nanoTime() - started) / 1e9;
        check(report.moved(), n);
        sqs.purgeQueue(b -> b.queueUrl(source));
        return n / seconds;
    }

    /** Messages per second of the same work by hand: receive 10, then send and delete each. */
    private static double raw(SqsClient sqs, String source, String dlq, int n) {
        fill(sqs, dlq, n);
        long started = System.nanoTime();
        int moved = 0;
        while (moved < n) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(60)
                    .messageAttributeNames("All")).messages();
            for (Message m : batch) {
                sqs.sendMessage(b -> b.queueUrl(source).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                sqs.deleteMessage(b -> b.queueUrl(dlq).receiptHandle(m.receiptHandle()));
                moved++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        sqs.purgeQueue(b -> b.queueUrl(source));
        return n / seconds;
    }

    /** The rate achieved with {@code --rate rate}: (n - 1) sends over the time from the first to the last. */
    private static double atRate(SqsClient sqs, DeadLetterOperations operations, String source, String dlq, int n,
            double rate) {
        fill(sqs, dlq, n);
        long[] firstAndLast = {0, 0};
        ReplayListener clock = new ReplayListener() {
            @Override
            public void sent(ReplayItem item) {
                long now = System.nanoTime();
                if (firstAndLast[0] == 0) {
                    firstAndLast[0] = now;
                }
                firstAndLast[1] = now;
            }
        };
        ReplayReport report = operations.replay(DLQ, new ReplayRequest(MessagePattern.all(), rate, null, false, true,
                ReplayRequest.DEFAULT_MAX_REPLAYS, null, "cli"), clock);
        check(report.moved(), n);
        sqs.purgeQueue(b -> b.queueUrl(source));
        return (n - 1) / ((firstAndLast[1] - firstAndLast[0]) / 1e9);
    }

    private static void fill(SqsClient sqs, String dlq, int n) {
        for (int from = 0; from < n; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i))
                        .messageBody(String.format(BODY, i, i)).build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(dlq).entries(entries));
        }
    }

    private static void check(int moved, int n) {
        if (moved != n) {
            throw new IllegalStateException("the replay moved " + moved + " of " + n + " messages");
        }
    }

    private String report(double replay, double raw, List<double[]> accuracy) {
        StringBuilder r = new StringBuilder();
        r.append(String.format("DLQ replay, %d messages, one thread; %d cores%n", messages,
                Runtime.getRuntime().availableProcessors()));
        r.append(String.format("  sluice dlq replay, unlimited (receive, send, delete, audit)  %8.1f msg/s%n", replay));
        r.append(String.format("  raw SQS receive -> send -> delete                            %8.1f msg/s%n", raw));
        r.append(String.format("  ratio replay / raw                                           %8.3f%n", replay / raw));
        r.append(String.format("--rate accuracy (achieved = (n - 1) sends / first-to-last send time)%n"));
        for (double[] a : accuracy) {
            r.append(String.format("  asked %7.1f/s  n %5d  achieved %8.2f/s  ratio achieved / asked %6.3f%n", a[0],
                    (int) a[1], a[2], a[2] / a[0]));
        }
        return r.toString();
    }
}
