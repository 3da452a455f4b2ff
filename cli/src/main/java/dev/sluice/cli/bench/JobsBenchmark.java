package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.Directories;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The job flow end to end, API → bus → queue → worker → store → notifier → WebSocket, with the
 * offline model (no model time), against raw ElasticMQ send → receive → delete in the same run:
 * <ol>
 * <li>throughput: {@code jobs} ai.request jobs submitted by {@code clients} concurrent clients, until
 * every result is pushed; the raw queue moves as many messages with as many senders and the same
 * consumer concurrency as the AI lane;</li>
 * <li>latency: jobs submitted at a steady {@code rate} per second for {@code seconds}, each timed
 * from the start of its POST to its push arriving on the WebSocket; then again at half the
 * throughput just measured, a load the pipeline sustains. Submissions an overloaded API refuses
 * (504 after the function's timeout, say) are counted and reported.</li>
 * </ol>
 * Every step of a job reads or writes DynamoDB, so the run also measures DynamoDB Local's own write
 * rate and the requests one job costs: their quotient is the pipeline's ceiling on this machine.
 */
public final class JobsBenchmark {

    private final int jobs;
    private final int clients;
    private final int rate;
    private final int seconds;

    public JobsBenchmark(int jobs, int clients, int rate, int seconds) {
        this.jobs = jobs;
        this.clients = clients;
        this.rate = rate;
        this.seconds = seconds;
    }

    public String run() throws Exception {
        Path state = Files.createTempDirectory("sluice-bench-jobs-");
        var topology = Definitions.bundled().topology();
        int laneConcurrency = topology.function("ai-worker").orElseThrow().sqsTrigger().maximumConcurrency();
        try (LocalRuntime runtime = LocalRuntime.start(topology, state, LocalRuntime.Options.defaults())) {
            Endpoints e = runtime.endpoints();
            String key;
            try (DynamoDbClient dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), e.dynamodb(), e.region())) {
                // The topology's usage plan for trusted high-volume callers (10,000 requests/s, burst 5,000),
                // far above what the local pipeline takes: the benchmark measures the pipeline, not 429s.
                key = new ApiKeys(dynamoDb, "sluice-api-keys").create("bench", "bench", "benchmark", "bulk",
                        System.currentTimeMillis()).secret();
            }
            try (SluiceClient client = new SluiceClient(e.api(), key);
                    SqsClient sqs = LocalRuntime.client(SqsClient.builder(), e.sqs(), e.region())) {
                // Warm-up: class loading, JIT and every connection pool, for every subject.
                pipeline(client, e, 200);
                raw(sqs, 500, laneConcurrency);
                rawDynamoDb(e, 500);

                Map<String, Long> requestsBefore = runtime.dynamoDbRequestsByOperation();
                double pipelinePerSecond = pipeline(client, e, jobs);
                Map<String, Double> requestsPerJob = perJob(requestsBefore, runtime.dynamoDbRequestsByOperation());
                double rawPerSecond = raw(sqs, jobs, laneConcurrency);
                double dynamoDbPerSecond = rawDynamoDb(e, jobs);
                Run atRate = latency(client, e, rate);
                // An overloaded run leaves work queued (jobs whose POST timed out still run): let it
                // finish, so the next run measures its own jobs only.
                drain(sqs, "ai-requests");
                Run atHalf = latency(client, e, Math.max(1, (int) (pipelinePerSecond / 2)));
                return report(pipelinePerSecond, rawPerSecond, dynamoDbPerSecond, requestsPerJob, atRate, atHalf,
                        laneConcurrency);
            }
        } finally {
            Directories.deleteRecursively(state);
        }
    }

    /** What each DynamoDB operation cost per job between two counts. */
    private Map<String, Double> perJob(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> perJob = new java.util.TreeMap<>();
        after.forEach((operation, count) -> {
            long delta = count - before.getOrDefault(operation, 0L);
            if (delta > 0) {
                perJob.put(operation, delta / (double) jobs);
            }
        });
        return perJob;
    }

    /** Jobs per second from the first POST to the last push. */
    private double pipeline(SluiceClient client, Endpoints e, int count) throws Exception {
        Map<String, Boolean> mine = new ConcurrentHashMap<>();
        try (PushStream pushes = client.connect(e.webSocket())) {
            long start = System.nanoTime();
            submitAll(client, count, mine);
            int received = 0;
            while (received < count) {
                JsonNode push = pushes.next(Duration.ofSeconds(60));
                if (push == null) {
                    throw new IllegalStateException("only " + received + " of " + count + " results were pushed");
                }
                if (mine.containsKey(push.path("jobId").asText()) && push.path("type").asText().startsWith("job.")) {
                    received++;
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private void submitAll(SluiceClient client, int count, Map<String, Boolean> mine) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.execute(() -> {
                    try {
                        while (next.getAndIncrement() < count) {
                            mine.put(submit(client), Boolean.TRUE);
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
        }
    }

    private static String submit(SluiceClient client) {
        try {
            ApiResponse response = client.submit(body(), null);
            if (response.status() != 202) {
                throw new IllegalStateException("POST /v1/jobs answered " + response.status() + " " + response.body());
            }
            return response.body().get("jobId").asText();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void drain(SqsClient sqs, String queue) throws InterruptedException {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            var attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            if (attributes.values().stream().allMatch("0"::equals)) {
                Thread.sleep(2000); // the notifier's pushes of the last jobs
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("queue " + queue + " did not drain in 5 minutes");
    }

    private static String body() {
        return "{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"b\",\"userId\":\"bench\","
                + "\"process\":\"magicSpark\",\"input\":\"Benchmark me.\",\"priority\":\"normal\","
                + "\"timestamp\":" + System.currentTimeMillis() + "}}";
    }

    /** Messages per second through a bare queue: as many senders, and the AI lane's consumer concurrency. */
    private double raw(SqsClient sqs, int count, int consumers) throws Exception {
        String url = sqs.createQueue(b -> b.queueName("bench-raw")).queueUrl();
        sqs.purgeQueue(b -> b.queueUrl(url));
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger deleted = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.execute(() -> {
                    while (sent.getAndIncrement() < count) {
                        sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"benchmark\":true}"));
                    }
                });
            }
            for (int c = 0; c < consumers; c++) {
                pool.execute(() -> {
                    while (deleted.get() < count) {
                        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                                .waitTimeSeconds(1)).messages();
                        if (!batch.isEmpty()) {
                            sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(batch.stream().map(m ->
                                    DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                                            .receiptHandle(m.receiptHandle()).build()).toList()));
                            deleted.addAndGet(batch.size());
                        }
                    }
                });
            }
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Writes per second DynamoDB Local takes from as many clients: the store every job step goes through. */
    private double rawDynamoDb(Endpoints e, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (DynamoDbClient dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), e.dynamodb(), e.region());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.execute(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        String id = "bench#" + start + "#" + i;
                        dynamoDb.putItem(b -> b.tableName("sluice-idempotency").item(Map.of(
                                "id", AttributeValue.fromS(id), "expiration", AttributeValue.fromN("1"))));
                    }
                });
            }
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** What a steady-rate run saw: each pushed job's latency in microseconds, and the refused submissions. */
    private record Run(int rate, int offered, List<Long> micros, Map<Integer, Integer> refusedByStatus) {
    }

    /** Submit-to-push latency of each job at a steady rate; an overloaded API's refusals are counted, not fatal. */
    private Run latency(SluiceClient client, Endpoints e, int rate) throws Exception {
        int total = rate * seconds;
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        Map<String, Long> pushedAt = new ConcurrentHashMap<>();
        Map<Integer, Integer> refused = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        try (PushStream pushes = client.connect(e.webSocket());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    // Pushes also come for jobs whose POST timed out after the job was written: wait for
                    // the accepted ones by id, not by count.
                    while (answered.get() < total || !pushedAt.keySet().containsAll(startedAt.keySet())) {
                        JsonNode push = pushes.next(Duration.ofSeconds(60));
                        if (push == null) {
                            return;
                        }
                        pushedAt.putIfAbsent(push.path("jobId").asText(), System.nanoTime());
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            long begin = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = begin + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                // Open loop: each POST on its own thread, timed from when it was due, as a user's would be.
                pool.execute(() -> {
                    try {
                        ApiResponse response = client.submit(body(), null);
                        if (response.status() == 202) {
                            startedAt.put(response.body().get("jobId").asText(), due);
                        } else {
                            refused.merge(response.status(), 1, Integer::sum);
                        }
                    } catch (Exception ex) {
                        refused.merge(0, 1, Integer::sum);
                    } finally {
                        answered.incrementAndGet();
                    }
                });
            }
            pool.close();
            reader.join(Duration.ofSeconds(180));
        }
        List<Long> micros = new ArrayList<>();
        startedAt.forEach((jobId, start) -> {
            Long end = pushedAt.get(jobId);
            if (end != null) {
                micros.add((end - start) / 1000);
            }
        });
        if (micros.size() < startedAt.size()) {
            throw new IllegalStateException("only " + micros.size() + " of " + startedAt.size()
                    + " accepted jobs had their result pushed");
        }
        Collections.sort(micros);
        return new Run(rate, total, micros, refused);
    }

    private String report(double pipeline, double raw, double dynamoDb, Map<String, Double> requestsByOperation,
            Run atRate, Run atHalf, int laneConcurrency) {
        double requestsPerJob = requestsByOperation.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder r = new StringBuilder();
        r.append(String.format("Job flow, %d jobs by %d clients; AI lane concurrency %d; %d cores; %s%n", jobs,
                clients, laneConcurrency, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version")));
        r.append(String.format("  pipeline (API -> bus -> queue -> worker -> store -> notifier -> WebSocket) %8.1f"
                + " jobs/s%n", pipeline));
        r.append(String.format("  raw ElasticMQ (send -> receive -> delete)                                  %8.1f"
                + " msg/s%n", raw));
        r.append(String.format("  ratio pipeline / raw ElasticMQ                                             %8.3f%n",
                pipeline / raw));
        r.append(String.format("  raw DynamoDB Local (PutItem)                                               %8.1f"
                + " writes/s%n", dynamoDb));
        r.append(String.format("  ratio pipeline / raw DynamoDB Local PutItem (goal at least 1/7 = 0.143)   %8.3f%n",
                pipeline / dynamoDb));
        r.append(String.format("  DynamoDB requests per job (goal 6 or fewer)                                %8.1f"
                + "  -> ceiling %.1f jobs/s%n", requestsPerJob, dynamoDb / requestsPerJob));
        requestsByOperation.forEach((operation, perJob) -> r.append(String.format("    %-24s %5.2f per job%n",
                operation, perJob)));
        r.append(latencyLine(atRate));
        r.append(latencyLine(atHalf));
        return r.toString();
    }

    private String latencyLine(Run run) {
        List<Long> micros = run.micros();
        String refused = run.refusedByStatus().isEmpty() ? "" : String.format("; %d of %d submissions refused %s",
                run.refusedByStatus().values().stream().mapToInt(Integer::intValue).sum(), run.offered(),
                run.refusedByStatus());
        if (micros.isEmpty()) {
            return String.format("Submit-to-push latency at %d jobs/s for %d s: no job accepted%s%n", run.rate(),
                    seconds, refused);
        }
        return String.format("Submit-to-push latency at %d jobs/s for %d s (%d jobs pushed): p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%s%n", run.rate(), seconds, micros.size(), percentile(micros, 50) / 1000.0,
                percentile(micros, 99) / 1000.0, micros.get(micros.size() - 1) / 1000.0, refused);
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
