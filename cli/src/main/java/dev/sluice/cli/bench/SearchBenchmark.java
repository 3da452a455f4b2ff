package dev.sluice.cli.bench;

import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
import dev.sluice.workers.lucene.LuceneVectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.util.VectorUtil;

/**
 * The local vector index against exact search: recall@k of {@link LuceneVectorIndex} (HNSW) and the
 * latency of both, side by side. The vectors are clustered unit vectors, as embeddings of related text
 * are; uniform random ones have no near neighbours and make HNSW look both worse and pointless.
 */
public final class SearchBenchmark {

    /** How far a point lies from its cluster centre: a noise vector as long as the centre (cos ~0.7), so
     * a query has many near neighbours of similar score, which is what makes approximate search miss. */
    private static final double CLUSTER_SPREAD = 1.0;
    private static final int CLUSTERS = 1000;
    private static final int BATCH = 1000;
    private static final int WARMUP_QUERIES = 50;

    private final int chunks;
    private final int dimensions;
    private final int queries;
    private final int k;

    public SearchBenchmark(int chunks, int dimensions, int queries, int k) {
        this.chunks = chunks;
        this.dimensions = dimensions;
        this.queries = queries;
        this.k = k;
    }

    public String run() throws Exception {
        Random random = new Random(1);
        float[][] centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = gaussianUnit(random, null);
        }
        float[][] vectors = new float[chunks][];
        for (int i = 0; i < chunks; i++) {
            vectors[i] = gaussianUnit(random, centres[random.nextInt(CLUSTERS)]);
        }
        Path dir = Files.createTempDirectory("sluice-search-bench-");
        try (LuceneVectorIndex index = LuceneVectorIndex.open(dir, dimensions)) {
            long indexStart = System.nanoTime();
            List<IndexedChunk> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < chunks; i++) {
                batch.add(new IndexedChunk("bench", "doc" + i / BATCH, "v1", "bench/doc", i % BATCH, 0, 0, null,
                        List.of(), "", vectors[i]));
                if (batch.size() == BATCH || i == chunks - 1) {
                    index.upsert(batch);
                    batch.clear();
                }
            }
            double indexSeconds = (System.nanoTime() - indexStart) / 1e9;

            Measured asIndexed = measure(index, vectors, centres, random);
            long mergeStart = System.nanoTime();
            index.forceMerge(1);
            double mergeSeconds = (System.nanoTime() - mergeStart) / 1e9;
            Measured merged = measure(index, vectors, centres, random);
            StringBuilder report = new StringBuilder(String.format("Vector search, %d clustered %d-d unit vectors"
                            + " (%d clusters, spread %.1f), %d queries, k=%d, %d HNSW candidates; %d cores; %s%n"
                            + "indexing: %.1f s (%.0f chunks/s, batches of %d, each committed); merging to one"
                            + " segment: %.1f s%n%-34s %10s %10s %10s%n",
                    chunks, dimensions, CLUSTERS, CLUSTER_SPREAD, queries, k, Math.max(k, 50),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                    indexSeconds, chunks / indexSeconds, BATCH, mergeSeconds, "", "p50 ms", "p99 ms",
                    "recall@" + k));
            for (var row : List.of(Map.entry("HNSW, as indexed", asIndexed), Map.entry("HNSW, merged", merged))) {
                report.append(String.format("%-34s %10.3f %10.3f %10.3f%n", row.getKey(),
                        millis(row.getValue().hnsw(), 50), millis(row.getValue().hnsw(), 99), row.getValue().recall()));
            }
            report.append(String.format("%-34s %10.3f %10.3f %10s%n", "exact (brute force), same queries",
                    millis(merged.exact(), 50), millis(merged.exact(), 99), "1.000"));
            for (var row : List.of(Map.entry("as indexed", asIndexed), Map.entry("merged", merged))) {
                report.append(String.format("ratio exact / HNSW, %s: p50 %.1fx, p99 %.1fx%n", row.getKey(),
                        percentile(row.getValue().exact(), 50) / (double) percentile(row.getValue().hnsw(), 50),
                        percentile(row.getValue().exact(), 99) / (double) percentile(row.getValue().hnsw(), 99)));
            }
            return report.toString();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Search and brute-force latencies (sorted) and the recall of one pass of queries. */
    private record Measured(long[] hnsw, long[] exact, double recall) {
    }

    private Measured measure(LuceneVectorIndex index, float[][] vectors, float[][] centres, Random random) {
        // Untimed first: JIT compilation and page faults would otherwise dominate the p99.
        for (int q = 0; q < WARMUP_QUERIES; q++) {
            float[] query = gaussianUnit(random, centres[random.nextInt(CLUSTERS)]);
            index.search("bench", query, k);
            exactTopK(vectors, query);
        }
        long[] hnswNanos = new long[queries];
        long[] exactNanos = new long[queries];
        int found = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = gaussianUnit(random, centres[random.nextInt(CLUSTERS)]);
            long t0 = System.nanoTime();
            List<SearchHit> hits = index.search("bench", query, k);
            long t1 = System.nanoTime();
            Set<Integer> exact = exactTopK(vectors, query);
            long t2 = System.nanoTime();
            hnswNanos[q] = t1 - t0;
            exactNanos[q] = t2 - t1;
            for (SearchHit hit : hits) {
                int i = Integer.parseInt(hit.documentId().substring(3)) * BATCH + hit.ordinal();
                found += exact.contains(i) ? 1 : 0;
            }
        }
        Arrays.sort(hnswNanos);
        Arrays.sort(exactNanos);
        return new Measured(hnswNanos, exactNanos, found / (double) (queries * k));
    }

    /** Indexes of the k vectors with the largest dot product (= cosine: all are unit vectors). */
    private Set<Integer> exactTopK(float[][] vectors, float[] query) {
        int[] best = new int[k];
        float[] bestScore = new float[k];
        Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vectors.length; i++) {
            float score = VectorUtil.dotProduct(query, vectors[i]);
            if (score > bestScore[k - 1]) {
                int at = k - 1;
                while (at > 0 && bestScore[at - 1] < score) {
                    bestScore[at] = bestScore[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestScore[at] = score;
                best[at] = i;
            }
        }
        Set<Integer> top = new HashSet<>();
        for (int i = 0; i < Math.min(k, vectors.length); i++) {
            top.add(best[i]);
        }
        return top;
    }

    /** A gaussian direction (centre null) or a point near centre, normalised. */
    private float[] gaussianUnit(Random random, float[] centre) {
        float[] v = new float[dimensions];
        double sigma = CLUSTER_SPREAD / Math.sqrt(dimensions);
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double x = centre == null ? random.nextGaussian() : centre[i] + random.nextGaussian() * sigma;
            v[i] = (float) x;
            norm += x * x;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double millis(long[] sorted, int p) {
        return percentile(sorted, p) / 1e6;
    }
}
