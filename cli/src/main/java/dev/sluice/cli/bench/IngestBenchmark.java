package dev.sluice.cli.bench;

import dev.sluice.cli.Directories;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.documents.Chunker;
import dev.sluice.workers.documents.TextExtractor;
import dev.sluice.workers.onnx.BgeSmallEmbedder;
import dev.sluice.workers.tenants.ChunkingOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Document ingestion end to end — S3 upload → EventBridge → router → Step Functions (the local ASL
 * interpreter) → validate, extract, chunk, Map {embed, index} → READY — against the raw embedder on
 * the same chunks, in the same run and process: the embedder is the work, everything else is the
 * pipeline's overhead. The raw run embeds in batches of the pipeline's batch size on as many
 * threads as there are cores. Each corpus shape holds about the same number of chunks in many small
 * or a few large documents, so the per-document cost (six Lambda steps, their S3 and DynamoDB
 * calls, the index commits) shows against the per-chunk one.
 */
public final class IngestBenchmark {

    private static final String BUCKET = "sluice-documents";
    private static final int BATCH = 32;
    private static final String[] WORDS = ("the a of to and in warehouse invoice shipment pallet order customer"
            + " delivery route driver fleet fuel depot schedule forecast budget quarter review supplier contract"
            + " inventory stock audit safety training policy manager team report week month carrier freight"
            + " container port customs dock loading unloading capacity demand planning cost margin").split(" ");

    /** A corpus shape: how many documents of how many paragraphs. */
    public record Shape(int documents, int paragraphs) {
    }

    private final List<Shape> shapes;

    public IngestBenchmark(List<Shape> shapes) {
        this.shapes = List.copyOf(shapes);
    }

    public String run() throws Exception {
        // The embedder the local profile runs.
        Embedder embedder = new BgeSmallEmbedder();
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder report = new StringBuilder(String.format("ingest: %s chunks of %d tokens (overlap %d), %s,"
                + " %d cores; raw = the same chunks through the same embedder, batches of %d on %d threads%n",
                ChunkingOptions.DEFAULTS.strategy(), ChunkingOptions.DEFAULTS.maxTokens(),
                ChunkingOptions.DEFAULTS.overlapTokens(), embedder.modelId(), cores, BATCH, cores));
        report.append(String.format("  %-26s %7s %12s %17s %8s%n", "documents", "chunks", "raw chunks/s",
                "pipeline chunks/s", "ratio"));
        Path state = Files.createTempDirectory("sluice-bench-ingest-");
        try (LocalRuntime runtime = LocalRuntime.start(Definitions.bundled().topology(), state,
                LocalRuntime.Options.defaults())) {
            Endpoints e = runtime.endpoints();
            try (S3Client s3 = LocalRuntime.client(S3Client.builder().forcePathStyle(true), e.s3(), e.region());
                    DynamoDbClient dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), e.dynamodb(), e.region())) {
                DocumentStore store = new DocumentStore(dynamoDb, "sluice-documents");
                for (int i = 0; i < shapes.size(); i++) {
                    Shape shape = shapes.get(i);
                    List<String> corpus = corpus(shape, new Random(42));
                    List<String> chunks = chunks(embedder, corpus);
                    // Warm-up, for both subjects: the model and JIT, and for the pipeline as many function
                    // instances as the run's concurrency needs (Lambda keeps warm environments too).
                    raw(embedder, chunks.subList(0, Math.min(chunks.size(), 2 * BATCH)), cores);
                    pipeline(s3, store, corpus, "warmup-" + i);
                    double rawRate = chunks.size() / raw(embedder, chunks, cores);
                    double pipelineRate = chunks.size() / pipeline(s3, store, corpus, "run-" + i);
                    report.append(String.format("  %-26s %7d %12.1f %17.1f %8.2f%n", shape.documents() + " x "
                            + chunks.size() / shape.documents() + " chunks", chunks.size(), rawRate, pipelineRate,
                            pipelineRate / rawRate));
                }
            }
        } finally {
            Directories.deleteRecursively(state);
        }
        return report.toString();
    }

    private static List<String> chunks(Embedder embedder, List<String> corpus) throws Exception {
        List<String> chunks = new ArrayList<>();
        for (String document : corpus) {
            var text = new TextExtractor().extract(DocumentType.TEXT, document.getBytes(StandardCharsets.UTF_8));
            new Chunker(embedder.tokenizer(), embedder.maxInputTokens(), ChunkingOptions.DEFAULTS).chunk(text)
                    .stream().map(Chunk::text).forEach(chunks::add);
        }
        return chunks;
    }

    /** Seconds to embed every chunk, batches shared out over {@code threads}. */
    private static double raw(Embedder embedder, List<String> chunks, int threads) throws Exception {
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> batches = new ArrayList<>();
            for (int from = 0; from < chunks.size(); from += BATCH) {
                List<String> batch = chunks.subList(from, Math.min(chunks.size(), from + BATCH));
                batches.add(pool.submit(() -> embedder.embed(batch)));
            }
            for (Future<?> f : batches) {
                f.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds from the first upload until every document is READY. */
    private static double pipeline(S3Client s3, DocumentStore store, List<String> corpus, String run)
            throws Exception {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            String key = "bench/" + run + "/doc-" + i + ".txt";
            String body = corpus.get(i);
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(body));
            ids.add(DocumentIds.of(BUCKET, key));
        }
        // One query of the tenant's rows every 100 ms: polling each document would load DynamoDB Local,
        // and so the pipeline being measured, far more than the pipeline's own calls do.
        Set<String> pending = new HashSet<>(ids);
        while (!pending.isEmpty()) {
            Thread.sleep(100);
            String cursor = null;
            do {
                DocumentStore.Page page = store.list("bench", 100, cursor);
                for (Document d : page.documents()) {
                    if (pending.contains(d.documentId()) && d.status() == DocumentStatus.FAILED) {
                        throw new IllegalStateException("document " + d.key() + " FAILED: " + d.errorCode() + ": "
                                + d.errorMessage());
                    }
                    if (d.status() == DocumentStatus.READY) {
                        pending.remove(d.documentId());
                    }
                }
                cursor = page.next();
            } while (cursor != null);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Documents of plain sentences, a blank line between paragraphs; seeded, so every run reads the same. */
    private static List<String> corpus(Shape shape, Random random) {
        List<String> corpus = new ArrayList<>();
        for (int d = 0; d < shape.documents(); d++) {
            StringBuilder text = new StringBuilder();
            for (int p = 0; p < shape.paragraphs(); p++) {
                for (int s = 0; s < 5; s++) {
                    int words = 8 + random.nextInt(10);
                    for (int w = 0; w < words; w++) {
                        String word = WORDS[random.nextInt(WORDS.length)];
                        text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                        text.append(w == words - 1 ? ". " : " ");
                    }
                }
                text.append("\n\n");
            }
            corpus.add(text.toString());
        }
        return corpus;
    }
}
