package dev.sluice.workers.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.KeptMetrics;
import dev.sluice.workers.support.TestContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SqsBatchProcessorTest {

    // Message ids of events/sqs-batch.json, whose bodies carry job_01 .. job_04 in this order.
    private static final String FIRST = "059f36b4-87a3-44ab-83d2-661975830a7d";
    private static final String SECOND = "2e1424d4-f796-459a-8184-9c92662be6da";
    private static final String THIRD = "09dd0b57-b21e-4ac1-bd88-01bbb068cb78";
    private static final String FOURTH = "4c0f5a33-6d2b-4f8a-9b7e-1a2b3c4d5e6f";

    // events/sqs-batch-fifo.json: the same jobs on a FIFO queue, one message group.
    private static final String FIFO_FIRST = "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String FIFO_SECOND = "a1b2c3d4-0002-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String FIFO_THIRD = "a1b2c3d4-0003-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String FIFO_FOURTH = "a1b2c3d4-0004-4e5f-8a9b-0c1d2e3f4a5b";

    private final Context context = new TestContext();
    /** Keeps the metrics off the build's console. */
    private final KeptMetrics metrics = new KeptMetrics();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @Test
    void reportsExactlyTheMessagesWhoseHandlerThrew() throws Exception {
        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch.json"), context,
                failingFor(Set.of("job_02", "job_04")));

        assertThat(failedIds(response)).containsExactly(SECOND, FOURTH);
        assertThat(handled).containsExactly("job_01", "job_02", "job_03", "job_04");
    }

    @Test
    void anyThrowableCountsAsAFailureOfThatMessageOnly() throws Exception {
        MessageHandler handler = (message, ctx) -> {
            switch (jobId(message)) {
                case "job_01" -> throw new IOException("checked");
                case "job_02" -> throw new AssertionError("an Error that is not the JVM's");
                case "job_03" -> throw new IllegalStateException("unchecked");
                default -> handled.add(jobId(message));
            }
        };

        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch.json"), context, handler);

        assertThat(failedIds(response)).containsExactly(FIRST, SECOND, THIRD);
        assertThat(handled).containsExactly("job_04");
    }

    @Test
    void allSucceedingGivesAnEmptyFailureList() throws Exception {
        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch.json"), context,
                failingFor(Set.of()));

        assertThat(response.getBatchItemFailures()).isNotNull().isEmpty();
        assertThat(handled).hasSize(4);
    }

    @Test
    void anEventWithoutRecordsGivesAnEmptyResponse() {
        SQSEvent noRecords = new SQSEvent();
        SQSEvent emptyRecords = new SQSEvent();
        emptyRecords.setRecords(List.of());

        for (SqsBatchProcessor processor : List.of(sequential(), parallel())) {
            assertThat(processor.process(noRecords, context, failingFor(Set.of())).getBatchItemFailures()).isEmpty();
            assertThat(processor.process(emptyRecords, context, failingFor(Set.of())).getBatchItemFailures())
                    .isEmpty();
        }
        assertThat(handled).isEmpty();
    }

    @Test
    void handsTheInvocationContextToTheHandler() throws Exception {
        List<Context> seen = new CopyOnWriteArrayList<>();

        sequential().process(fixture("events/sqs-batch.json"), context, (message, ctx) -> seen.add(ctx));
        parallel().process(fixture("events/sqs-batch.json"), context, (message, ctx) -> seen.add(ctx));

        assertThat(seen).hasSize(8).allSatisfy(ctx -> assertThat(ctx).isSameAs(context));
    }

    @Test
    void fifoStopsAtTheFirstFailureAndReportsTheRestUnhandled() throws Exception {
        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch-fifo.json"), context,
                failingFor(Set.of("job_02")));

        assertThat(failedIds(response)).containsExactly(FIFO_SECOND, FIFO_THIRD, FIFO_FOURTH);
        assertThat(handled).containsExactly("job_01", "job_02");
    }

    @Test
    void fifoWithoutFailuresHandlesEveryMessageInOrder() throws Exception {
        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch-fifo.json"), context,
                failingFor(Set.of()));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(handled).containsExactly("job_01", "job_02", "job_03", "job_04");
    }

    @Test
    void parallelHandlesAllMessagesAtOnceAndReportsOnlyTheFailedOnes() throws Exception {
        SQSEvent event = fixture("events/sqs-batch.json");
        // Every handler waits until all four have started: only handlers running side by side get
        // past it. The timeout only bounds a broken build; a sequential run fails every message.
        CountDownLatch allStarted = new CountDownLatch(event.getRecords().size());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        MessageHandler handler = (message, ctx) -> {
            allStarted.countDown();
            if (!allStarted.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("handlers did not run concurrently");
            }
            threads.add(Thread.currentThread());
            failingFor(Set.of("job_01", "job_03")).handle(message, ctx);
        };

        SQSBatchResponse response = parallel().process(event, context, handler);

        assertThat(failedIds(response)).containsExactly(FIRST, THIRD);
        assertThat(handled).containsExactlyInAnyOrder("job_01", "job_02", "job_03", "job_04");
        assertThat(threads).hasSize(4).allSatisfy(thread -> assertThat(thread.isVirtual()).isTrue());
    }

    @Test
    void parallelStaysSequentialOnAFifoQueue() throws Exception {
        SQSBatchResponse response = parallel().process(fixture("events/sqs-batch-fifo.json"),
                context, failingFor(Set.of("job_03")));

        assertThat(failedIds(response)).containsExactly(FIFO_THIRD, FIFO_FOURTH);
        assertThat(handled).containsExactly("job_01", "job_02", "job_03");
    }

    @Test
    void aVirtualMachineErrorFailsTheInvocation() throws Exception {
        OutOfMemoryError fatal = new OutOfMemoryError("simulated");
        MessageHandler handler = (message, ctx) -> {
            if (jobId(message).equals("job_02")) {
                throw fatal;
            }
        };

        assertThatThrownBy(() -> sequential().process(fixture("events/sqs-batch.json"), context, handler))
                .isSameAs(fatal);
        assertThatThrownBy(() -> parallel().process(fixture("events/sqs-batch.json"), context,
                handler)).isSameAs(fatal);
    }

    @Test
    void toleratesANullContext() throws Exception {
        SQSBatchResponse response = sequential().process(fixture("events/sqs-batch.json"), null,
                failingFor(Set.of("job_01")));

        assertThat(failedIds(response)).containsExactly(FIRST);
    }

    @Test
    void eachMessagesQueueAgeGoesIntoOneDocumentPerBatchFailedMessagesIncluded() throws Exception {
        for (boolean parallel : new boolean[] {false, true}) {
            KeptMetrics kept = new KeptMetrics();
            SQSEvent event = fixture("events/sqs-batch.json");
            long now = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                event.getRecords().get(i).getAttributes().put("SentTimestamp", Long.toString(now - 10_000L * (i + 1)));
            }
            event.getRecords().get(3).getAttributes().remove("SentTimestamp"); // no age to tell

            new SqsBatchProcessor(parallel, kept.metrics()).process(event, context, failingFor(Set.of("job_02")));

            assertThat(kept.documents()).as("parallel " + parallel).hasSize(1);
            JsonNode document = kept.documents().get(0);
            assertThat(KeptMetrics.dimensionSets(document)).containsExactly(List.of("queue"));
            assertThat(document.path("queue").asText()).isEqualTo("jobs");
            List<Double> ages = KeptMetrics.values(document, "QueueAge");
            assertThat(ages).hasSize(3);
            for (int i = 0; i < 3; i++) {
                // At least what the message waited before the batch; the slack bounds a slow machine.
                assertThat(ages.get(i)).isBetween(10_000.0 * (i + 1), 10_000.0 * (i + 1) + 5_000);
            }
        }
    }

    private SqsBatchProcessor sequential() {
        return new SqsBatchProcessor(false, metrics.metrics());
    }

    private SqsBatchProcessor parallel() {
        return new SqsBatchProcessor(true, metrics.metrics());
    }

    /** Records each job it sees, then throws for the given ones. */
    private MessageHandler failingFor(Set<String> failingJobs) {
        return (message, ctx) -> {
            String jobId = jobId(message);
            handled.add(jobId);
            if (failingJobs.contains(jobId)) {
                throw new IllegalStateException("cannot do " + jobId);
            }
        };
    }

    private static String jobId(SQSEvent.SQSMessage message) {
        return Json.parse(message.getBody()).get("jobId").asText();
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(BatchItemFailure::getItemIdentifier).toList();
    }

    /** Reads a Lambda SQS event fixture into the aws-lambda-java-events type, field by field. */
    private static SQSEvent fixture(String resource) throws IOException {
        JsonNode node;
        try (var in = SqsBatchProcessorTest.class.getClassLoader().getResourceAsStream(resource)) {
            node = Json.MAPPER.readTree(in);
        }
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (JsonNode r : node.get("Records")) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(r.get("messageId").asText());
            m.setReceiptHandle(r.get("receiptHandle").asText());
            m.setBody(r.get("body").asText());
            Map<String, String> attributes = new HashMap<>();
            r.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
            m.setAttributes(attributes);
            m.setMd5OfBody(r.get("md5OfBody").asText());
            m.setEventSource(r.get("eventSource").asText());
            m.setEventSourceArn(r.get("eventSourceARN").asText());
            m.setAwsRegion(r.get("awsRegion").asText());
            messages.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

}
