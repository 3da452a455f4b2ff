package dev.sluice.cli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Sluice;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code sluice documents retry}, {@code executions list|history|redrive} and {@code events replay}
 * against a local runtime of the whole topology, as an operator types them. Doubles stand for the
 * embedding model (refusing a chunk), MarkFailed (broken, to fail outside a Catch) and the email and
 * analytics workers (recording what reached their queues); every retry delay is capped at 1 s.
 */
class IngestionAndArchiveCommandsTest {

    private static final String BUCKET = "sluice-documents";

    @TempDir
    static Path state;
    static LocalRuntime runtime;
    static S3Client s3;
    static SfnClient sfn;
    static DynamoDbClient dynamoDb;
    static EventBridgeClient events;
    static DocumentStore documents;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        Topology t = Definitions.bundled().topology();
        Map<String, String> doubles = Map.of("ingest-embed", dev.sluice.local.flow.FlakyEmbedTask.class.getName(),
                "ingest-mark-failed", BreakingMarkFailedTask.class.getName(),
                "email-worker", RecordingWorker.class.getName(), "analytics-worker", RecordingWorker.class.getName());
        var functions = t.functions().stream()
                .map(f -> doubles.containsKey(f.name()) ? f.withHandler(doubles.get(f.name())) : f).toList();
        var machines = t.stateMachines().stream().map(m -> new StateMachineSpec(m.name(),
                m.definition().replaceAll("\"MaxDelaySeconds\":\\s*\\d+", "\"MaxDelaySeconds\":1"))).toList();
        runtime = LocalRuntime.start(t.withFunctions(functions).withStateMachines(machines), state,
                LocalRuntime.Options.defaults());
        var endpoints = runtime.endpoints();
        s3 = LocalRuntime.client(S3Client.builder().forcePathStyle(true), endpoints.s3(), endpoints.region());
        sfn = LocalRuntime.client(SfnClient.builder(), endpoints.stepFunctions(), endpoints.region());
        dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), endpoints.dynamodb(), endpoints.region());
        events = LocalRuntime.client(EventBridgeClient.builder(), endpoints.events(), endpoints.region());
        documents = new DocumentStore(dynamoDb, "sluice-documents");
    }

    @AfterAll
    static void stop() {
        events.close();
        dynamoDb.close();
        sfn.close();
        s3.close();
        runtime.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new Sluice());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] withDir = new String[args.length + 2];
        System.arraycopy(args, 0, withDir, 0, args.length);
        withDir[args.length] = "--dir";
        withDir[args.length + 1] = state.toString();
        return cli.execute(withDir);
    }

    private static void awaitUntil(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        awaitUntil(what, Duration.ofSeconds(30), condition);
    }

    private static void awaitUntil(String what, Duration patience, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        dev.sluice.local.support.Await.until(what, patience, condition);
    }

    private static String upload(String key, String text) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(text));
        return DocumentIds.of(BUCKET, key);
    }

    private static Document awaitStatus(String documentId, DocumentStatus status) throws InterruptedException {
        awaitUntil(documentId + " " + status, Duration.ofSeconds(90), () -> documents.get("dev", documentId)
                .filter(d -> d.status() == status).isPresent());
        return documents.get("dev", documentId).orElseThrow();
    }

    private static String awaitExecutionEnded(String executionArn) throws InterruptedException {
        awaitUntil(executionArn + " ended", Duration.ofSeconds(90), () -> !"RUNNING".equals(
                sfn.describeExecution(b -> b.executionArn(executionArn)).statusAsString()));
        return sfn.describeExecution(b -> b.executionArn(executionArn)).statusAsString();
    }

    private static List<AuditRecord> audit(String operation, Instant since) {
        return new AuditLog(dynamoDb, AuditLog.TABLE, Clock.systemUTC()).since(since).stream()
                .filter(r -> r.operation().equals(operation)).toList();
    }

    @Test
    void aDocumentThatFailedThroughItsCatchIsRetriedToReadyAndCannotBeRedriven() throws Exception {
        Instant began = Instant.now();
        String id = upload("dev/ops/retry-me.txt", "Pumps are primed before the sluice opens. EMBED-REFUSES-ONCE");
        Document failed = awaitStatus(id, DocumentStatus.FAILED);
        String firstRun = failed.executionArn();
        assertThat(failed.errorCode()).isNotBlank();
        assertThat(awaitExecutionEnded(firstRun)).isEqualTo("FAILED");

        assertThat(run("executions", "list", "--status", "FAILED", "--machine", "ingest-document", "--since", "1h"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains(firstRun, "document " + id);
        assertThat(run("executions", "history", firstRun)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("model_refused", "caught → MarkFailed", "execution FAILED")
                .containsPattern("Validate +Task .* ms");

        assertThat(run("executions", "redrive", firstRun)).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("sluice: execution ended through its Catch")
                .contains("sluice documents retry " + id);
        assertThat(audit("executions.redrive", began)).isEmpty();

        assertThat(run("documents", "retry", id)).as(out + "\n" + err).isZero();
        assertThat(out.toString()).containsPattern(id + " +dev +STARTED +arn:aws:states:\\S+:execution:ingest-document:"
                + id + "-\\w{8}-r\\w+");
        Document ready = awaitStatus(id, DocumentStatus.READY);
        assertThat(ready.executionArn()).isNotEqualTo(firstRun);
        assertThat(ready.chunks()).isPositive();

        // READY: nothing to do, and it says so
        assertThat(run("documents", "retry", id)).isZero();
        assertThat(out.toString()).contains("SKIPPED", "READY: nothing to retry");
        List<AuditRecord> retries = audit("documents.retry", began);
        assertThat(retries).hasSize(2).allSatisfy(r -> assertThat(r.unfinished()).isFalse());
        assertThat(retries.get(0).counts()).containsEntry("started", 1L);
        assertThat(retries.get(0).target()).isEqualTo("document:" + id);
    }

    @Test
    void anExecutionThatFailedOutsideACatchIsRedrivenFromWhereItFailed() throws Exception {
        Instant began = Instant.now();
        String id = upload("dev/ops/markfail-breaks.txt", "Gates close at the high-water mark. EMBED-REFUSES-ALWAYS");
        awaitUntil("the ingestion started", Duration.ofSeconds(60), () -> documents.get("dev", id)
                .map(Document::executionArn).isPresent());
        String arn = documents.get("dev", id).orElseThrow().executionArn();
        assertThat(awaitExecutionEnded(arn)).isEqualTo("FAILED");
        assertThat(BreakingMarkFailedTask.BROKEN_CALLS.get()).isEqualTo(7);

        assertThat(run("executions", "history", arn, "--json")).isZero();
        assertThat(out.toString()).contains("\"endedInFailState\" : false", "the documents table is unreachable");

        BreakingMarkFailedTask.heal = true;
        assertThat(run("executions", "redrive", arn)).as(err.toString()).isZero();
        awaitUntil("redriven", Duration.ofSeconds(60), () -> {
            var e = sfn.describeExecution(b -> b.executionArn(arn));
            return e.redriveCount() == 1 && !"RUNNING".equals(e.statusAsString());
        });
        // MarkFailed ran this time: the document has its end, and the execution ended through the Fail state
        assertThat(documents.get("dev", id).map(Document::status)).contains(DocumentStatus.FAILED);
        assertThat(run("executions", "redrive", arn)).isEqualTo(2);
        assertThat(err.toString()).contains("ended through its Catch");
        List<AuditRecord> redrives = audit("executions.redrive", began);
        assertThat(redrives).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo(arn);
            assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.SUCCEEDED);
            assertThat(r.selection()).containsEntry("failedIn", "MarkFailed");
        });
    }

    @Test
    void archivedEventsAreReplayedOnlyToTheChosenRuleWithinTheWindowAndMatchingThePattern() throws Exception {
        Instant from = Instant.now().minusSeconds(1);
        put("email.send", 1);
        put("email.send", 2);
        put("analytics.event", 3);
        awaitUntil("the live deliveries", () -> RecordingWorker.RECEIVED.size() >= 3);
        Instant to = Instant.now().plusSeconds(1);
        RecordingWorker.RECEIVED.clear();

        assertThat(run("events", "replay", "--from", from.toString(), "--to", to.toString(), "--rule", "jobs-email",
                "--match", "{\"detail\":{\"payload\":{\"n\":[2]}}}", "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString().lines()).singleElement().asString().contains("jobs-email/queue");
        assertThat(err.toString()).contains("nothing was replayed");
        Instant began = Instant.now();

        assertThat(run("events", "replay", "--from", from.toString(), "--to", to.toString(), "--rule", "jobs-email",
                "--match", "{\"detail\":{\"payload\":{\"n\":[2]}}}")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("1 delivered, 0 failed");
        // every rule of the bus, but only the analytics event, then the window closed before it
        assertThat(run("events", "replay", "--from", from.toString(), "--to", to.toString(),
                "--match", "{\"detail\":{\"payload\":{\"n\":[3]}}}")).isZero();
        assertThat(run("events", "replay", "--from", to.toString(), "--to", to.plusSeconds(60).toString()))
                .isZero();
        assertThat(err.toString()).contains("0 delivered");
        awaitUntil("the replayed deliveries", () -> RecordingWorker.RECEIVED.size() >= 2);

        assertThat(RecordingWorker.RECEIVED).hasSize(2);
        assertThat(RecordingWorker.RECEIVED).filteredOn(b -> b.startsWith("email ")).singleElement().asString()
                .contains("\"n\":2", "\"replay-name\":\"sluice-");
        assertThat(RecordingWorker.RECEIVED).filteredOn(b -> b.startsWith("analytics ")).singleElement().asString()
                .contains("\"n\":3", "\"replay-name\":\"sluice-");
        assertThat(audit("events.replay", began)).hasSize(3).allSatisfy(r -> assertThat(r.dryRun()).isFalse());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertThat(run("events", "replay", "--from", "yesterday", "--to", "2026-12-02T10:00:00Z")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("sluice: --from \"yesterday\" is not an ISO-8601 time such as"
                + " 2026-12-02T10:00:00Z");
        assertThat(run("events", "replay", "--from", "2026-12-02T10:00:00Z", "--to", "2026-12-02T11:00:00Z",
                "--rule", "nonesuch")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("sluice: unknown rule of bus sluice-jobs \"nonesuch\"")
                .contains("jobs-email").doesNotContain("\n");
        assertThat(run("events", "replay", "--from", "2026-12-02T10:00:00Z", "--to", "2026-12-02T11:00:00Z",
                "--match", "{\"detail\":")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("sluice: ").doesNotContain("\n");
        assertThat(run("executions", "list", "--since", "0h")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("sluice: --since: \"0h\" is not a duration").doesNotContain("\n");
        assertThat(run("executions", "list", "--machine", "nonesuch")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("sluice: unknown state machine \"nonesuch\"");
        assertThat(run("documents", "retry", "not-an-id")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("sluice: \"not-an-id\" is not a document id (a UUID)");
        assertThat(run("documents", "retry", "--failed")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("sluice: --failed needs --since");
    }

    private static void put(String type, int n) {
        String detail = "{\"jobId\":\"job-ops-" + n + "\",\"tenantId\":\"dev\",\"type\":\"" + type
                + "\",\"priority\":\"normal\",\"payload\":{\"n\":" + n + "}}";
        var response = events.putEvents(b -> b.entries(e -> e.eventBusName("sluice-jobs").source("sluice.jobs")
                .detailType("Job Submitted").detail(detail)));
        assertThat(response.failedEntryCount()).isZero();
        Optional.ofNullable(response.entries().get(0).errorCode()).ifPresent(c -> {
            throw new AssertionError(c);
        });
    }
}
