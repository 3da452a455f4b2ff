package dev.sluice.local.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.documents.DocumentFilenames;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Clients;
import dev.sluice.workers.push.PushLog;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Document ingestion end to end on the real topology: S3 (or a presigned PUT) → EventBridge → the
 * router → the ingestion state machine run by the local ASL interpreter → Lambda steps → the local
 * BGE model and the Lucene index → the document row, the WebSocket pushes and search. Only the
 * model's and the index's availability are doubled, to inject failures.
 */
class DocumentFlowTest {

    @TempDir
    static Path state;

    static FlowFixture flow;
    static S3Client s3;
    static SfnClient sfn;

    @BeforeAll
    static void start() throws Exception {
        // The scheduled sweeper may fail a stopped execution's document at once.
        flow = FlowFixture.start(topology(), state, Map.of("documentSweepGraceSeconds", "0"));
        s3 = Clients.s3(flow.runtime.endpoints());
        sfn = LocalRuntime.client(SfnClient.builder(), flow.runtime.endpoints().stepFunctions(),
                flow.runtime.endpoints().region());
    }

    @AfterAll
    static void stop() {
        sfn.close();
        s3.close();
        flow.close();
    }

    /** The bundled topology with the failure-injecting steps, and retry delays capped at 1 s. */
    static Topology topology() {
        Topology t = Definitions.bundled().topology();
        Map<String, String> doubles = Map.of("ingest-embed", FlakyEmbedTask.class.getName(),
                "ingest-index", FlakyIndexTask.class.getName(), "ingest-finalize", FlakyFinalizeTask.class.getName());
        var functions = t.functions().stream()
                .map(f -> doubles.containsKey(f.name()) ? f.withHandler(doubles.get(f.name())) : f).toList();
        var machines = t.stateMachines().stream().map(m -> new StateMachineSpec(m.name(),
                m.definition().replaceAll("\"MaxDelaySeconds\":\\s*\\d+", "\"MaxDelaySeconds\":1"))).toList();
        return t.withFunctions(functions).withStateMachines(machines);
    }

    @Test
    void aMarkdownUploadThroughTheUploadUrlIsPushedAsItGoesAndBecomesSearchable() throws Exception {
        try (SluiceClient client = flow.devClient();
                PushStream pushes = client.connect(flow.runtime.endpoints().webSocket())) {
            ApiResponse created = client.post("/v1/documents", "{\"filename\":\"handbook.md\"}");
            assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
            String documentId = created.body().get("documentId").asText();
            String markdown = "# Handbook\n\nWelcome aboard.\n\n## Holidays\n\nEvery employee gets thirty days of"
                    + " paid holiday a year, taken in blocks of at least two days.\n\n## Expenses\n\nTrain tickets"
                    + " are reimbursed within a week of the receipt.\n";
            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(created.body().get("uploadUrl").asText())).header("Content-Type", "text/markdown")
                    .PUT(HttpRequest.BodyPublishers.ofString(markdown)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

            List<String> stages = new ArrayList<>();
            JsonNode end = null;
            while (end == null) {
                JsonNode push = pushes.next(m -> documentId.equals(m.path("documentId").asText()), Duration.ofSeconds(60));
                assertThat(push).as("a push about the document").isNotNull();
                if (push.get("type").asText().equals("document.progress")) {
                    stages.add(push.get("stage").asText());
                } else {
                    end = push;
                }
            }
            assertThat(stages).startsWith("validate", "extract", "chunk").contains("index");
            assertThat(end.get("type").asText()).isEqualTo("document.ready");
            assertThat(end.get("chunks").asInt()).isPositive();

            JsonNode row = client.get("/v1/documents/" + documentId).body();
            assertThat(row.get("status").asText()).isEqualTo("READY");
            assertThat(row.get("type").asText()).isEqualTo("markdown");
            assertThat(row.get("chunks").asInt()).isEqualTo(end.get("chunks").asInt());

            JsonNode hits = client.get("/v1/search?q=" + java.net.URLEncoder.encode("how many vacation days do I get",
                    StandardCharsets.UTF_8) + "&k=3").body().get("results");
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).get("documentId").asText()).isEqualTo(documentId);
            assertThat(hits.get(0).get("text").asText()).contains("thirty days");
            assertThat(hits.get(0).get("headingPath").toString()).contains("Holidays");
        }
    }

    @Test
    void aPdfUploadedWithAPlainS3ClientIsSearchableWithItsPageAndOtherTenantsSeeNothing() throws Exception {
        byte[] pdf = pdf("The cafeteria opens at eight in the morning.", "Parking permits are issued by the front"
                + " desk on the second floor.");
        JsonNode row = ingest("dev/policies/facilities.pdf", pdf);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("READY");
        try (SluiceClient client = flow.devClient()) {
            JsonNode hit = client.get("/v1/search?q=where%20do%20I%20get%20a%20parking%20permit&k=1").body()
                    .get("results").get(0);
            assertThat(hit.get("key").asText()).isEqualTo("dev/policies/facilities.pdf");
            assertThat(hit.get("page").asInt()).isEqualTo(2);
        }
        try (SluiceClient other = flow.newTenant("other-co")) {
            assertThat(other.get("/v1/search?q=parking%20permit&k=5").body().get("results")).isEmpty();
            assertThat(other.get("/v1/documents/" + row.get("documentId").asText()).status()).isEqualTo(404);
        }
    }

    @Test
    void textInTheCharsetItDeclaresIsReadInThatCharset() throws Exception {
        byte[] html = ("<html><head><meta charset=ISO-8859-1></head><body><p>The p\u00e2tisserie sells cr\u00e8me"
                + " br\u00fbl\u00e9e on Fridays.</p></body></html>").getBytes(StandardCharsets.ISO_8859_1);
        byte[] markdown = "# Caf\u00e9\n\nThe caf\u00e9 serves cr\u00eapes with cr\u00e8me fra\u00eeche.\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        JsonNode page = ingest("dev/charset/menu.html", html);
        String etag = s3.putObject(b -> b.bucket("sluice-documents").key("dev/charset/cafe.md")
                .contentType("text/markdown; charset=ISO-8859-1"), RequestBody.fromBytes(markdown)).eTag()
                .replace("\"", "");
        JsonNode notes = await(DocumentIds.of("sluice-documents", "dev/charset/cafe.md"),
                r -> r.path("status").asText().matches("READY|FAILED") && etag.equals(r.path("version").asText()));

        assertThat(page.get("status").asText()).as(page.toString()).isEqualTo("READY");
        assertThat(notes.get("status").asText()).as(notes.toString()).isEqualTo("READY");
        try (SluiceClient client = flow.devClient()) {
            JsonNode hits = client.get("/v1/search?q=" + java.net.URLEncoder.encode("cr\u00e8me br\u00fbl\u00e9e",
                    StandardCharsets.UTF_8) + "&k=10").body().get("results");
            assertThat(hits).anySatisfy(h -> assertThat(h.get("text").asText())
                    .isEqualTo("The p\u00e2tisserie sells cr\u00e8me br\u00fbl\u00e9e on Fridays."));
            JsonNode crepes = client.get("/v1/search?q=crepes&k=10").body().get("results");
            assertThat(crepes).anySatisfy(h -> assertThat(h.get("text").asText())
                    .contains("The caf\u00e9 serves cr\u00eapes with cr\u00e8me fra\u00eeche."));
        }
        // Latin-1 that declares nothing is still refused.
        assertFailed(ingest("dev/charset/plain.txt", "na\u00efve".getBytes(StandardCharsets.ISO_8859_1)), "undecodable");
    }

    @Test
    void badDocumentsEndFailedWithTheirReason() throws Exception {
        byte[] pdf = pdf("A perfectly fine page.", "And another.");
        byte[] truncated = java.util.Arrays.copyOf(pdf, pdf.length / 2);
        assertFailed(ingest("dev/bad/corrupt.pdf", truncated), "undecodable");
        assertFailed(ingest("dev/bad/empty.txt", new byte[0]), "empty");
        assertFailed(ingest("dev/bad/sheet.xlsx", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)), "unsupported_type");
        assertFailed(ingest("dev/bad/image.txt", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                0, 13, 'I', 'H', 'D', 'R'}), "type_mismatch");
    }

    @Test
    void aTransientlyFailingEmbedderIsRetriedAndOneThatNeverRecoversFailsTheDocument() throws Exception {
        JsonNode recovered = ingest("dev/flaky/recovers.txt", text("EMBED-FAILS-TIMES-2 the kettle is in the"
                + " kitchen."));
        assertThat(recovered.get("status").asText()).as(recovered.toString()).isEqualTo("READY");
        assertThat(FlakyEmbedTask.CALLS.entrySet().stream().filter(e -> e.getKey().contains("EMBED-FAILS-TIMES-2"))
                .mapToInt(e -> e.getValue().get()).max().orElse(0)).isEqualTo(3);

        assertFailed(ingest("dev/flaky/never.txt", text("EMBED-FAILS-ALWAYS nothing to see.")),
                "embedder_unavailable");
    }

    @Test
    void anIndexOutageFailsTheDocumentAfterItsRetriesWithTheReason() throws Exception {
        assertFailed(ingest("dev/flaky/index.txt", text("INDEX-DOWN the printer is out of toner.")),
                "index_unavailable");
    }

    @Test
    void reUploadingAKeyReplacesItsChunksAndDeletingItRemovesThem() throws Exception {
        String key = "dev/notes/changing.txt";
        StringBuilder longer = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            longer.append("Paragraph ").append(i).append(" talks about the quarterly budget review and forecasts.\n\n");
        }
        JsonNode first = ingest(key, text(longer.toString()));
        assertThat(first.get("chunks").asInt()).isGreaterThan(1);
        JsonNode second = ingest(key, text("The orchard grows pears and quinces."));
        assertThat(second.get("status").asText()).isEqualTo("READY");
        assertThat(second.get("chunks").asInt()).isEqualTo(1);
        try (SluiceClient client = flow.devClient()) {
            JsonNode hits = client.get("/v1/search?q=quarterly%20budget%20review&k=50").body().get("results");
            assertThat(hits).filteredOn(h -> h.get("key").asText().equals(key)).hasSize(1)
                    .allSatisfy(h -> assertThat(h.get("text").asText()).contains("orchard"));

            s3.deleteObject(b -> b.bucket("sluice-documents").key(key));
            String documentId = DocumentIds.of("sluice-documents", key);
            JsonNode deleted = await(documentId, r -> r.get("status").asText().equals("DELETED"));
            assertThat(deleted.get("status").asText()).isEqualTo("DELETED");
            JsonNode after = client.get("/v1/search?q=orchard%20pears&k=50").body().get("results");
            assertThat(after).noneMatch(h -> h.get("key").asText().equals(key));
        }
    }

    @Test
    void aPushThatFailsAfterReadyOrAFailingIdempotencyStoreLeavesTheDocumentReady() throws Exception {
        String pushFails = "dev/after-ready/PUSH-500.txt";
        String storeDown = "dev/after-ready/IDEMPOTENCY-DOWN.txt";
        String pushFailsId = DocumentIds.of("sluice-documents", pushFails);
        String storeDownId = DocumentIds.of("sluice-documents", storeDown);
        try (SluiceClient client = flow.devClient();
                PushStream pushes = client.connect(flow.runtime.endpoints().webSocket())) {
            // An open connection, so that finalize has somewhere to push: for PUSH-500 it answers 500.
            for (String key : List.of(pushFails, storeDown)) {
                JsonNode ended = ingest(key, text(key.equals(pushFails) ? "The bicycle shed stands behind the library."
                        : "The fire assembly point is the north car park."));
                // READY is written before the push: what matters is what the row says once the execution ended.
                Await.until("the ingestion of " + key + " ends", Duration.ofSeconds(60),
                        () -> executionOf(ended).status() != ExecutionStatus.RUNNING);
                JsonNode row = client.get("/v1/documents/" + ended.get("documentId").asText()).body();
                assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("READY");
                assertThat(row.get("chunks").asInt()).isEqualTo(1);
                assertThat(executionOf(ended).status()).as("execution of " + key).isEqualTo(ExecutionStatus.SUCCEEDED);
            }
            assertThat(client.get("/v1/search?q=where%20is%20the%20bicycle%20shed&k=10").body().get("results"))
                    .anyMatch(h -> h.get("key").asText().equals(pushFails));
            assertThat(client.get("/v1/search?q=fire%20assembly%20point&k=10").body().get("results"))
                    .anyMatch(h -> h.get("key").asText().equals(storeDown));

            // Without its idempotency store the end message is still numbered, and delivered.
            JsonNode delivered = pushes.next(m -> storeDownId.equals(m.path("documentId").asText())
                    && m.path("type").asText().equals("document.ready"), Duration.ofSeconds(10));
            assertThat(delivered).isNotNull();
            assertThat(delivered.has("seq")).isTrue();
            // The one that could not be delivered is in the push log, for the client's next resume.
            List<JsonNode> logged = new PushLog(flow.dynamoDb, "sluice-push-log")
                    .after("dev", "dev", 0, 1000, System.currentTimeMillis());
            assertThat(logged).filteredOn(m -> m.path("documentId").asText().equals(pushFailsId))
                    .extracting(m -> m.get("type").asText()).containsExactly("document.ready");
        }
    }

    @Test
    void anObjectDeletedWhileABatchIsIndexedLeavesNoChunkBehind() throws Exception {
        String key = "dev/race/deleted.txt";
        String documentId = DocumentIds.of("sluice-documents", key);
        s3.putObject(b -> b.bucket("sluice-documents").key(key), RequestBody.fromBytes(
                text("DELETED-WHILE-INDEXING the boiler room is in the basement behind the laundry.")));
        JsonNode deleted = await(documentId, r -> r.path("status").asText().equals("DELETED"));
        String arn = sfn.listExecutionsPaginator(b -> b.stateMachineArn(ingestStateMachine())).executions().stream()
                .filter(e -> e.name().startsWith(documentId)).findFirst().orElseThrow().executionArn();
        Await.until("the ingestion's execution ends", Duration.ofSeconds(60),
                () -> sfn.describeExecution(b -> b.executionArn(arn)).status() != ExecutionStatus.RUNNING);

        assertThat(deleted.get("status").asText()).isEqualTo("DELETED");
        try (SluiceClient client = flow.devClient()) {
            JsonNode hits = client.get("/v1/search?q=where%20is%20the%20boiler%20room&k=50").body().get("results");
            assertThat(hits).noneMatch(h -> h.get("documentId").asText().equals(documentId));
        }
    }

    @Test
    void aDuplicateObjectCreatedEventStartsNoSecondExecution() throws Exception {
        String key = "dev/dup/once.txt";
        JsonNode row = ingest(key, text("Only one ingestion per upload."));
        String etag = s3.headObject(b -> b.bucket("sluice-documents").key(key)).eTag().replace("\"", "");
        try (EventBridgeClient events = Clients.events(flow.runtime.endpoints())) {
            String detail = "{\"version\":\"0\",\"bucket\":{\"name\":\"sluice-documents\"},\"object\":{\"key\":\""
                    + key + "\",\"size\":30,\"etag\":\"" + etag + "\"},\"reason\":\"PutObject\"}";
            events.putEvents(b -> b.entries(e -> e.source("aws.s3").detailType("Object Created").detail(detail)
                    .resources("arn:aws:s3:::sluice-documents")));
        }
        Thread.sleep(2000);
        String stateMachine = ingestStateMachine();
        String name = DocumentIds.executionName(row.get("documentId").asText(), etag);
        assertThat(sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachine)).executions().stream()
                .filter(e -> e.name().equals(name)).count()).isEqualTo(1);
    }

    @Test
    void noStatePayloadNearsTheLimitEvenForALargeDocument() throws Exception {
        StringBuilder big = new StringBuilder();
        while (big.length() < 400_000) {
            big.append("Sentence number ").append(big.length()).append(" about logistics and warehouses. ");
        }
        JsonNode row = ingest("dev/big/manual.txt", text(big.toString()));
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("READY");
        String stateMachine = ingestStateMachine();
        String name = DocumentIds.executionName(row.get("documentId").asText(),
                s3.headObject(b -> b.bucket("sluice-documents").key("dev/big/manual.txt")).eTag().replace("\"", ""));
        String arn = sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachine)).executions().stream()
                .filter(e -> e.name().equals(name)).findFirst().orElseThrow().executionArn();
        int largest = 0;
        int states = 0;
        for (HistoryEvent e : sfn.getExecutionHistoryPaginator(b -> b.executionArn(arn)).events()) {
            if (e.stateEnteredEventDetails() != null) {
                states++;
                largest = Math.max(largest, e.stateEnteredEventDetails().input().getBytes(StandardCharsets.UTF_8).length);
            }
            if (e.stateExitedEventDetails() != null) {
                largest = Math.max(largest, e.stateExitedEventDetails().output().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        assertThat(row.get("chunks").asInt()).as("chunks of a 400 kB text").isGreaterThan(200);
        assertThat(states).isGreaterThan(10);
        assertThat(largest).as("largest state input or output, bytes").isLessThan(16 * 1024);
    }

    @Test
    void aDocumentWhoseExecutionWasStoppedIsFailedByTheSweeperAndItsUploaderTold() throws Exception {
        String key = "dev/stopped/slow.txt";
        String documentId = DocumentIds.of("sluice-documents", key);
        try (SluiceClient client = flow.devClient();
                PushStream pushes = client.connect(flow.runtime.endpoints().webSocket())) {
            // Five throttled embeddings keep the execution busy in its retries long enough to stop it.
            s3.putObject(b -> b.bucket("sluice-documents").key(key), RequestBody.fromBytes(
                    text("EMBED-FAILS-TIMES-5 the lift is out of order.")));
            JsonNode processing = await(documentId, r -> r.path("status").asText().equals("PROCESSING"));
            String arn = processing.get("executionArn") != null ? processing.get("executionArn").asText()
                    : sfn.listExecutionsPaginator(b -> b.stateMachineArn(ingestStateMachine())).executions().stream()
                            .filter(e -> e.name().startsWith(documentId)).findFirst().orElseThrow().executionArn();
            sfn.stopExecution(b -> b.executionArn(arn).error("Operator.Stop").cause("stopped by the test"));

            flow.runtime.lambda().invoke("document-sweeper", FlowFixture.scheduledEvent());

            JsonNode row = client.get("/v1/documents/" + documentId).body();
            assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("FAILED");
            assertThat(row.get("version").asText()).isEqualTo(processing.get("version").asText());
            assertThat(row.get("error").get("code").asText()).isEqualTo("execution_aborted");
            assertThat(row.get("error").get("message").asText()).contains("Operator.Stop");
            JsonNode failed = pushes.next(m -> documentId.equals(m.path("documentId").asText())
                    && m.path("type").asText().equals("document.failed"), Duration.ofSeconds(10));
            assertThat(failed).isNotNull();
            assertThat(failed.get("error").get("code").asText()).isEqualTo("execution_aborted");
        }
    }

    @Test
    void anUploadOutsideAnyTenantPrefixGoesStraightToTheDlqWithTheReason() throws Exception {
        s3.putObject(b -> b.bucket("sluice-documents").key("no-tenant.txt"), RequestBody.fromBytes(text("hello")));
        try (SqsClient sqs = Clients.sqs(flow.runtime.endpoints())) {
            String dlq = sqs.getQueueUrl(b -> b.queueName("documents-dlq")).queueUrl();
            List<Message> dead = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (dead.isEmpty() && System.nanoTime() < deadline) {
                dead.addAll(sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1).messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages());
            }
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).body()).contains("\"key\":\"no-tenant.txt\"");
            assertThat(dead.get(0).messageAttributes().get("SluiceErrorCode").stringValue()).isEqualTo("no_tenant");
            assertThat(dead.get(0).attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .as("never redelivered from the source queue").isEqualTo("1");
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        try (SluiceClient client = flow.devClient()) {
            assertBadRequest(client.post("/v1/documents", "{\"filename\":\"notes.docx\"}"), "filename");
            assertBadRequest(client.post("/v1/documents", "{\"filename\":\"a/b.txt\"}"), "filename");
            // 104 characters but 202 bytes: keys are limited in bytes.
            assertBadRequest(client.post("/v1/documents", "{\"filename\":\"" + "é".repeat(99) + ".txt\"}"), "filename");
            assertBadRequest(client.post("/v1/documents", "{\"filename\":\"" + "a".repeat(251) + ".txt\"}"),
                    "filename");
            assertBadRequest(client.post("/v1/documents", "{}"), "filename");
            assertBadRequest(client.post("/v1/documents", "{\"filename\":\"a.txt\",\"size\":3}"), "size");
            assertBadRequest(client.post("/v1/documents", "not json"), "body");
            assertBadRequest(client.get("/v1/search?k=3"), "q");
            assertBadRequest(client.get("/v1/search?q=x&k=0"), "k");
            assertBadRequest(client.get("/v1/search?q=x&k=many"), "k");
            assertBadRequest(client.get("/v1/search?q=" + "word%20".repeat(600)), "q");
            assertBadRequest(client.get("/v1/search?q=x&mode=semantic"), "mode");
            assertBadRequest(client.get("/v1/search?q=x&group=page"), "group");
            assertBadRequest(client.get("/v1/search?q=x&type=docx"), "type");
            assertBadRequest(client.get("/v1/documents?limit=1000"), "limit");
            assertBadRequest(client.get("/v1/documents?cursor=%25%25"), "cursor");
            assertBadRequest(client.put("/v1/settings/chunking", "{\"strategy\":\"sliding\"}"), "strategy");
            assertBadRequest(client.put("/v1/settings/chunking", "{\"strategy\":\"fixed\",\"maxTokens\":600}"),
                    "maxTokens");
            assertBadRequest(client.put("/v1/settings/chunking",
                    "{\"strategy\":\"fixed\",\"maxTokens\":100,\"overlapTokens\":100}"), "overlapTokens");
            assertThat(client.get("/v1/documents/no-such-id").status()).isEqualTo(404);
        }
    }

    @Test
    void malformedQueriesIdsAndCursorsAreRefusedNamingTheFieldNeverA500() throws Exception {
        try (SluiceClient client = flow.devClient()) {
            // Each of these tokenizes to nothing: NUL, bytes that are not UTF-8, control characters, a no-break space.
            for (String q : List.of("%00", "%FF%FE", "%01%02%1F", "%C2%A0", "%00%2E%00")) {
                ApiResponse response = client.get("/v1/search?q=" + q);
                if (q.equals("%00%2E%00")) {
                    // a full stop is a token: searchable, if pointless
                    assertThat(response.status()).as(q + ": " + response.body()).isEqualTo(200);
                } else if (q.equals("%FF%FE")) {
                    // Not UTF-8: the gateway refuses the query string itself, before the function sees it.
                    assertThat(response.status()).as(q + ": " + response.body()).isEqualTo(400);
                    assertThat(response.body().get("message").asText()).isNotBlank();
                } else {
                    assertBadRequest(response, "q");
                }
            }

            ApiResponse longId = client.get("/v1/documents/" + "d".repeat(2_000));
            assertThat(longId.status()).as(String.valueOf(longId.body())).isEqualTo(404);
            assertThat(longId.body().get("error").get("field").asText()).isEqualTo("id");

            ingest("dev/cursor/a.txt", text("Cursor page one."));
            ingest("dev/cursor/b.txt", text("Cursor page two."));
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            for (String cursor : List.of("", base64.encodeToString("{\"pk\":\"T#dev\"}".getBytes(StandardCharsets.UTF_8)),
                    base64.encodeToString("{\"pk\":{\"S\":\"other-co\"},\"sk\":{\"S\":\"x\"}}".getBytes(
                            StandardCharsets.UTF_8)), base64.encodeToString("k".repeat(2_000).getBytes(StandardCharsets.UTF_8)),
                    "%25%25", "AAAA")) {
                assertBadRequest(client.get("/v1/documents?cursor=" + java.net.URLEncoder.encode(cursor,
                        StandardCharsets.UTF_8)), "cursor");
            }
            // A real cursor still pages, and only ever through the caller's own documents.
            JsonNode first = client.get("/v1/documents?limit=1").body();
            JsonNode second = client.get("/v1/documents?limit=1&cursor=" + first.get("nextCursor").asText()).body();
            assertThat(second.get("documents").get(0).get("documentId").asText())
                    .isNotEqualTo(first.get("documents").get(0).get("documentId").asText());
        }
        try (SluiceClient other = flow.newTenant("cursor-thief");
                SluiceClient client = flow.devClient()) {
            String devCursor = client.get("/v1/documents?limit=1").body().get("nextCursor").asText();
            ApiResponse borrowed = other.get("/v1/documents?cursor=" + devCursor);
            assertThat(borrowed.status()).isIn(200, 400);
            if (borrowed.status() == 200) {
                assertThat(borrowed.body().get("documents")).isEmpty();
            }
        }
    }

    @Test
    void theLongestFilenameTheApiAcceptsIsUploadedThroughItsUrlAndIngested() throws Exception {
        String filename = "é".repeat((DocumentFilenames.MAX_BYTES - 4) / 2) + ".txt";
        assertThat(filename.getBytes(StandardCharsets.UTF_8)).hasSize(DocumentFilenames.MAX_BYTES);
        try (SluiceClient client = flow.devClient()) {
            ApiResponse created = client.post("/v1/documents", Json.write(Json.object().put("filename", filename)));
            assertThat(created.status()).as(created.body().toString()).isEqualTo(201);

            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(created.body().get("uploadUrl").asText())).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("A note with a very long name.")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            JsonNode row = await(client, created.body().get("documentId").asText(),
                    r -> r.path("status").asText().matches("READY|FAILED"));
            assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("READY");
        }
    }

    @Test
    void aTenantsChunkingChoiceIsUsedForItsNextUploads() throws Exception {
        try (SluiceClient client = flow.newTenant("tiny-chunks")) {
            assertThat(client.get("/v1/settings/chunking").body().get("strategy").asText()).isEqualTo("fixed");
            ApiResponse set = client.put("/v1/settings/chunking", "{\"strategy\":\"recursive\",\"maxTokens\":32,"
                    + "\"overlapTokens\":0}");
            assertThat(set.status()).as(set.body().toString()).isEqualTo(200);
            assertThat(client.get("/v1/settings/chunking").body()).isEqualTo(set.body());
            StringBuilder paragraphs = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                paragraphs.append("Paragraph ").append(i).append(" is short and talks about one small thing.\n\n");
            }
            JsonNode row = ingest(client, "tiny-chunks/notes.txt", text(paragraphs.toString()));
            JsonNode defaults = ingest("dev/same-notes.txt", text(paragraphs.toString()));
            assertThat(row.get("status").asText()).isEqualTo("READY");
            assertThat(defaults.get("chunks").asInt()).isEqualTo(1);
            // About 110 tokens: one chunk by default, whole paragraphs merged up to 32 tokens for this tenant.
            assertThat(row.get("chunks").asInt()).as("32-token chunks of 10 paragraphs of ~11 tokens").isBetween(3, 10);
        }
    }

    private static DescribeExecutionResponse executionOf(JsonNode row) {
        String name = DocumentIds.executionName(row.get("documentId").asText(), row.get("version").asText());
        String arn = sfn.listExecutionsPaginator(b -> b.stateMachineArn(ingestStateMachine())).executions().stream()
                .filter(e -> e.name().equals(name)).findFirst().orElseThrow().executionArn();
        return sfn.describeExecution(b -> b.executionArn(arn));
    }

    private static String ingestStateMachine() {
        return sfn.listStateMachines().stateMachines().stream().filter(m -> m.name().equals("ingest-document"))
                .findFirst().orElseThrow().stateMachineArn();
    }

    private static void assertBadRequest(ApiResponse response, String field) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
        assertThat(response.body().get("error").get("field").asText()).isEqualTo(field);
    }

    private static void assertFailed(JsonNode row, String code) {
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("FAILED");
        assertThat(row.get("error").get("code").asText()).as(row.toString()).isEqualTo(code);
        assertThat(row.get("error").get("message").asText()).isNotBlank();
    }

    /** Uploads with a plain S3 client and waits for the document to end READY or FAILED. */
    static JsonNode ingest(String key, byte[] content) throws Exception {
        try (SluiceClient client = flow.devClient()) {
            return ingest(client, key, content);
        }
    }

    /** As {@link #ingest(String, byte[])}, reading the document as {@code client}'s tenant. */
    static JsonNode ingest(SluiceClient client, String key, byte[] content) throws Exception {
        String etag = s3.putObject(b -> b.bucket("sluice-documents").key(key), RequestBody.fromBytes(content)).eTag()
                .replace("\"", "");
        return await(client, DocumentIds.of("sluice-documents", key),
                r -> r.path("status").asText().matches("READY|FAILED") && etag.equals(r.path("version").asText()));
    }

    static JsonNode await(String documentId, java.util.function.Predicate<JsonNode> done) throws Exception {
        try (SluiceClient client = flow.devClient()) {
            return await(client, documentId, done);
        }
    }

    static JsonNode await(SluiceClient client, String documentId, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode row = null;
        while (System.nanoTime() < deadline) {
            ApiResponse r = client.get("/v1/documents/" + documentId);
            row = r.body();
            if (r.status() == 200 && done.test(row)) {
                return row;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("document " + documentId + " did not end in 90 s; last seen: " + row);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] pdf(String... pages) throws Exception {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        }
    }
}
