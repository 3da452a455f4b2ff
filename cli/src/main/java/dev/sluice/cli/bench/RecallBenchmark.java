package dev.sluice.cli.bench;

import dev.sluice.cli.Directories;
import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.SearchQuery.Group;
import dev.sluice.core.search.SearchQuery.Mode;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.documents.Chunker;
import dev.sluice.workers.documents.DocumentRejectedException;
import dev.sluice.workers.documents.ExtractedText;
import dev.sluice.workers.documents.Section;
import dev.sluice.workers.documents.TextExtractor;
import dev.sluice.workers.lucene.LuceneVectorIndex;
import dev.sluice.workers.onnx.BgeSmallEmbedder;
import dev.sluice.workers.search.ReciprocalRankFusion;
import dev.sluice.workers.search.SearchResults;
import dev.sluice.workers.tenants.ChunkingOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Known-item and title recall@5 of hybrid search against vector-only (and BM25-only) search, on a
 * corpus of real documentation nobody in the project wrote: by default the Node.js documentation that
 * Debian ships under {@code /usr/share/doc/nodejs}. The documents go through the ingest pipeline's own
 * extractor and chunker, the in-process BGE embedder and {@link LuceneVectorIndex}, in this process.
 *
 * <p>The corpus is chosen reproducibly: every file of a supported type within the size range, sorted by
 * path, one per name (a page shipped as both Markdown and HTML counts once, as Markdown), the first N.
 * Queries come from a seeded random: a <em>known-item</em> query is a sentence copied from one
 * document (8 to 40 words, mostly letters, found in no other document); a <em>title</em> query is a
 * document's first heading (found as no other document's first heading). A query is answered when
 * its document is among the first five results.
 */
public final class RecallBenchmark {

    /** Where Debian puts the Node.js documentation: about 150 Markdown pages of real prose. */
    public static final Path DEFAULT_CORPUS = Path.of("/usr/share/doc/nodejs");

    static final int AT = 5;
    private static final String TENANT = "bench";
    private static final int EMBED_BATCH = 32;
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\n+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    /** Markdown first, then text, then HTML: the same page shipped twice is read in its plainest form. */
    private static final List<DocumentType> PREFERENCE =
            List.of(DocumentType.MARKDOWN, DocumentType.TEXT, DocumentType.HTML, DocumentType.PDF);

    private final Path corpus;
    private final int documents;
    private final long minBytes;
    private final long maxBytes;
    private final int queries;
    private final long seed;

    public RecallBenchmark(Path corpus, int documents, long minBytes, long maxBytes, int queries, long seed) {
        this.corpus = corpus;
        this.documents = documents;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
        this.queries = queries;
        this.seed = seed;
    }

    /** One document as read: its path in the corpus, its extracted text and its chunks. */
    private record Doc(String id, String key, ExtractedText text, List<Chunk> chunks) {

        /** The first heading, or null. */
        String title() {
            return text.sections().stream().map(Section::headingPath).filter(p -> !p.isEmpty())
                    .map(p -> p.get(0).strip()).filter(t -> !t.isEmpty()).findFirst().orElse(null);
        }
    }

    private record Query(String kind, String text, String documentId) {
    }

    /** One way of searching, measured: the index it reads, the query's vector, mode and grouping. */
    private record Subject(String name, LuceneVectorIndex index, boolean instruction, Mode mode, Group group) {
    }

    public String run() throws Exception {
        if (documents < 1 || queries < 1) {
            throw new IllegalArgumentException("documents and queries must be positive");
        }
        List<Path> files = select();
        BgeSmallEmbedder embedder = new BgeSmallEmbedder();
        Chunker chunker = new Chunker(embedder.tokenizer(), embedder.maxInputTokens(), ChunkingOptions.DEFAULTS);
        List<Doc> docs = new ArrayList<>();
        int rejected = 0;
        for (Path file : files) {
            if (docs.size() == documents) {
                break;
            }
            String key = corpus.relativize(file).toString();
            DocumentType type = DocumentType.forKey(key).orElseThrow();
            try {
                ExtractedText text = new TextExtractor().extract(type, Files.readAllBytes(file));
                docs.add(new Doc("doc-" + docs.size(), key, text, chunker.chunk(text)));
            } catch (DocumentRejectedException e) {
                rejected++;
            }
        }
        if (docs.size() < documents) {
            throw new IllegalStateException(corpus + " holds " + docs.size() + " readable documents of "
                    + minBytes + " to " + maxBytes + " bytes; " + documents + " asked for (--documents)");
        }
        List<Chunk> allChunks = docs.stream().flatMap(d -> d.chunks().stream()).toList();

        long embedStart = System.nanoTime();
        List<String> texts = allChunks.stream().map(Chunk::text).toList();
        Path cache = cacheFile(embedder.modelId(), texts);
        List<float[]> vectors = readCache(cache, texts.size(), embedder.dimensions());
        boolean cached = vectors != null;
        if (!cached) {
            vectors = new ArrayList<>(texts.size());
            for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
                vectors.addAll(embedder.embed(texts.subList(from, Math.min(texts.size(), from + EMBED_BATCH))));
            }
            writeCache(cache, vectors);
        }
        double embedSeconds = (System.nanoTime() - embedStart) / 1e9;
        List<IndexedChunk> indexed = new ArrayList<>(allChunks.size());
        int v = 0;
        for (Doc doc : docs) {
            for (Chunk c : doc.chunks()) {
                indexed.add(new IndexedChunk(TENANT, doc.id(), "v1", TENANT + "/" + doc.key(), c.ordinal(), c.start(),
                        c.end(), c.page(), c.headingPath(), c.text(), vectors.get(v++)));
            }
        }

        Random random = new Random(seed);
        List<Query> knownItems = knownItems(docs, random);
        List<Query> titles = titles(docs, random);
        Map<String, float[]> withInstruction = new HashMap<>();
        Map<String, float[]> plain = new HashMap<>();
        List<Long> queryEmbedNanos = new ArrayList<>();
        for (Query q : concat(knownItems, titles)) {
            long start = System.nanoTime();
            withInstruction.put(q.text(), embedder.embedQuery(q.text()));
            queryEmbedNanos.add(System.nanoTime() - start);
            plain.put(q.text(), embedder.embed(List.of(q.text())).get(0));
        }

        Path root = Files.createTempDirectory("sluice-bench-recall-");
        Map<LuceneVectorIndex.Lexical, LuceneVectorIndex> indexes = new LinkedHashMap<>();
        try {
            LuceneVectorIndex.Lexical chosen = LuceneVectorIndex.Lexical.DEFAULT;
            LuceneVectorIndex.Lexical otherAnalyzer = new LuceneVectorIndex.Lexical(!chosen.english(),
                    chosen.titleBoost());
            for (LuceneVectorIndex.Lexical lexical : List.of(chosen, otherAnalyzer,
                    new LuceneVectorIndex.Lexical(chosen.english(), 0),
                    new LuceneVectorIndex.Lexical(chosen.english(), 1),
                    new LuceneVectorIndex.Lexical(chosen.english(), 2))) {
                LuceneVectorIndex index = LuceneVectorIndex.open(root.resolve("index-" + indexes.size()),
                        BgeSmallEmbedder.DIMENSIONS, lexical);
                indexes.put(lexical, index);
                index.upsert(indexed);
                index.forceMerge(1);
            }
            LuceneVectorIndex main = indexes.get(chosen);
            List<Subject> subjects = new ArrayList<>(List.of(
                    new Subject("vector, passage-style query (as before)", main, false, Mode.VECTOR, Group.CHUNK),
                    new Subject("vector", main, true, Mode.VECTOR, Group.CHUNK),
                    new Subject("lexical (BM25)", main, true, Mode.LEXICAL, Group.CHUNK),
                    new Subject("lexical, " + analyzer(otherAnalyzer), indexes.get(otherAnalyzer), true, Mode.LEXICAL,
                            Group.CHUNK),
                    new Subject("hybrid (the default)", main, true, Mode.HYBRID, Group.CHUNK),
                    new Subject("hybrid, group=document", main, true, Mode.HYBRID, Group.DOCUMENT),
                    new Subject("hybrid, no query instruction", main, false, Mode.HYBRID, Group.CHUNK),
                    new Subject("hybrid, " + analyzer(otherAnalyzer), indexes.get(otherAnalyzer), true, Mode.HYBRID,
                            Group.CHUNK)));
            for (Map.Entry<LuceneVectorIndex.Lexical, LuceneVectorIndex> e : indexes.entrySet()) {
                if (e.getKey().english() == chosen.english() && e.getKey().titleBoost() != chosen.titleBoost()) {
                    subjects.add(new Subject("hybrid, title boost " + e.getKey().titleBoost()
                            + (e.getKey().titleBoost() == 0 ? " (no title field)" : ""), e.getValue(), true,
                            Mode.HYBRID, Group.CHUNK));
                    subjects.add(new Subject("lexical, title boost " + e.getKey().titleBoost(), e.getValue(), true,
                            Mode.LEXICAL, Group.CHUNK));
                }
            }

            StringBuilder report = new StringBuilder();
            report.append(String.format(Locale.ROOT, "recall: %d documents from %s (%d to %d bytes, sorted by path,"
                    + " first %d; %d unreadable skipped), %d chunks (%s %d tokens), %s; %s in %.0f s%n",
                    docs.size(), corpus, minBytes, maxBytes, documents, rejected, allChunks.size(),
                    ChunkingOptions.DEFAULTS.strategy().name().toLowerCase(Locale.ROOT),
                    ChunkingOptions.DEFAULTS.maxTokens(), embedder.modelId(),
                    cached ? "vectors read from " + cache : "embedded", embedSeconds));
            report.append(String.format(Locale.ROOT, "  queries (seed %d): %d known-item sentences, %d titles;"
                    + " recall@%d = the query's document among the first %d results%n", seed, knownItems.size(),
                    titles.size(), AT, AT));
            report.append(String.format(Locale.ROOT, "  query embedding (BGE, with the instruction): p50 %.1f ms,"
                    + " p95 %.1f ms%n", percentile(queryEmbedNanos, 50), percentile(queryEmbedNanos, 95)));
            report.append(String.format(Locale.ROOT, "  %-42s %10s %8s %13s %13s%n", "search", "known-item", "title",
                    "p50 ms", "p95 ms"));
            for (Subject subject : subjects) {
                Map<String, float[]> queryVectors = subject.instruction() ? withInstruction : plain;
                // Warm-up: the first searches of a fresh reader load its files and JIT the paths.
                for (Query q : knownItems.subList(0, Math.min(20, knownItems.size()))) {
                    search(subject, q, queryVectors);
                }
                List<Long> nanos = new ArrayList<>();
                double knownItemRecall = recall(subject, knownItems, queryVectors, nanos);
                double titleRecall = recall(subject, titles, queryVectors, nanos);
                report.append(String.format(Locale.ROOT, "  %-42s %10.3f %8.3f %13.2f %13.2f%n", subject.name(),
                        knownItemRecall, titleRecall, percentile(nanos, 50), percentile(nanos, 95)));
            }
            report.append(String.format(Locale.ROOT, "  fusion sweep: the same two candidate lists (%d each) fused by"
                    + " ReciprocalRankFusion with each constant k; recall@5 known-item / title%n",
                    SearchResults.candidates(new SearchQuery(TENANT, "q", null, AT, Mode.LEXICAL, SearchFilters.NONE,
                            Group.CHUNK))));
            report.append(String.format(Locale.ROOT, "  %-42s", "index, query vector"));
            for (int k : FUSION_KS) {
                report.append(String.format(Locale.ROOT, " %13s", "k=" + k));
            }
            report.append(String.format(Locale.ROOT, " %13s%n", "k=" + chosenK() + " by doc"));
            for (var e : indexes.entrySet()) {
                for (boolean instruction : List.of(true, false)) {
                    if (e.getKey().english() != chosen.english() && !instruction || e.getKey().titleBoost() > 1) {
                        continue;
                    }
                    Map<String, float[]> queryVectors = instruction ? withInstruction : plain;
                    report.append(String.format(Locale.ROOT, "  %-42s", analyzer(e.getKey())
                            + ", title boost " + e.getKey().titleBoost() + (instruction ? ", instruction" : ", plain")));
                    for (int k : FUSION_KS) {
                        report.append(String.format(Locale.ROOT, " %6.3f/%6.3f",
                                fusedRecall(e.getValue(), knownItems, queryVectors, k, Group.CHUNK),
                                fusedRecall(e.getValue(), titles, queryVectors, k, Group.CHUNK)));
                    }
                    report.append(String.format(Locale.ROOT, " %6.3f/%6.3f%n",
                            fusedRecall(e.getValue(), knownItems, queryVectors, chosenK(), Group.DOCUMENT),
                            fusedRecall(e.getValue(), titles, queryVectors, chosenK(), Group.DOCUMENT)));
                }
            }
            return report.toString();
        } finally {
            for (LuceneVectorIndex index : indexes.values()) {
                index.close();
            }
            Directories.deleteRecursively(root);
        }
    }

    /**
     * Where the chunks' vectors are kept between runs: embedding a corpus takes minutes on two cores,
     * and the same model on the same chunks gives the same vectors.
     */
    private static Path cacheFile(String modelId, List<String> texts) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(modelId.getBytes(StandardCharsets.UTF_8));
        for (String text : texts) {
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sluice-bench-recall-"
                + HexFormat.of().formatHex(sha.digest()).substring(0, 16) + ".vectors");
    }

    private static List<float[]> readCache(Path file, int count, int dimensions) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != (long) count * dimensions * Float.BYTES) {
            return null;
        }
        FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(file)).asFloatBuffer();
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] vector = new float[dimensions];
            floats.get(vector);
            vectors.add(vector);
        }
        return vectors;
    }

    private static void writeCache(Path file, List<float[]> vectors) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(vectors.size() * vectors.get(0).length * Float.BYTES);
        for (float[] vector : vectors) {
            for (float f : vector) {
                bytes.putFloat(f);
            }
        }
        Files.write(file, bytes.array());
    }

    private static String analyzer(LuceneVectorIndex.Lexical lexical) {
        return lexical.english() ? "EnglishAnalyzer" : "StandardAnalyzer";
    }

    /** The fusion constants the sweep tries. */
    private static final int[] FUSION_KS = {60, 20, 10, 5, 2};

    private static int chosenK() {
        return SearchResults.FUSION_K;
    }

    /** Recall@5 of the two lists the index returns for each query, fused here with constant {@code k}. */
    private static double fusedRecall(LuceneVectorIndex index, List<Query> queries, Map<String, float[]> vectors,
            int k, Group group) {
        ReciprocalRankFusion fusion = new ReciprocalRankFusion(k);
        int found = 0;
        for (Query q : queries) {
            SearchQuery base = new SearchQuery(TENANT, q.text(), vectors.get(q.text()), AT, Mode.VECTOR,
                    SearchFilters.NONE, group);
            int n = SearchResults.candidates(base);
            List<SearchHit> fused = fusion.fuse(List.of(
                    index.search(new SearchQuery(TENANT, q.text(), vectors.get(q.text()), n, Mode.VECTOR,
                            SearchFilters.NONE, Group.CHUNK)),
                    index.search(new SearchQuery(TENANT, q.text(), null, n, Mode.LEXICAL, SearchFilters.NONE,
                            Group.CHUNK))));
            List<String> documentIds = fused.stream().map(SearchHit::documentId)
                    .filter(group == Group.DOCUMENT ? new java.util.HashSet<String>()::add : id -> true)
                    .limit(AT).toList();
            if (documentIds.contains(q.documentId())) {
                found++;
            }
        }
        return found / (double) queries.size();
    }

    private static double recall(Subject subject, List<Query> queries, Map<String, float[]> vectors,
            List<Long> nanos) {
        int found = 0;
        for (Query q : queries) {
            long start = System.nanoTime();
            List<SearchHit> hits = search(subject, q, vectors);
            nanos.add(System.nanoTime() - start);
            if (hits.stream().limit(AT).anyMatch(h -> h.documentId().equals(q.documentId()))) {
                found++;
            }
        }
        return queries.isEmpty() ? Double.NaN : found / (double) queries.size();
    }

    private static List<SearchHit> search(Subject subject, Query q, Map<String, float[]> vectors) {
        return subject.index().search(new SearchQuery(TENANT, q.text(), vectors.get(q.text()), AT, subject.mode(),
                SearchFilters.NONE, subject.group()));
    }

    /** Files of a supported type within the size range, one per name (see {@link #PREFERENCE}), by path. */
    private List<Path> select() throws IOException {
        if (!Files.isDirectory(corpus)) {
            throw new IllegalArgumentException(corpus + " is not a directory: give a corpus with --corpus DIR");
        }
        Map<String, Path> byStem = new HashMap<>();
        try (Stream<Path> walk = Files.walk(corpus)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = corpus.relativize(file).toString();
                var type = DocumentType.forKey(relative);
                long size = Files.size(file);
                if (type.isEmpty() || size < minBytes || size > maxBytes) {
                    continue;
                }
                String stem = relative.substring(0, relative.lastIndexOf('.'));
                byStem.merge(stem, file, (a, b) -> rank(a) <= rank(b) ? a : b);
            }
        }
        List<Path> files = new ArrayList<>(byStem.values());
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static int rank(Path file) {
        return PREFERENCE.indexOf(DocumentType.forKey(file.getFileName().toString()).orElseThrow());
    }

    /** Up to {@code queries} sentences, each from a random document and unique to it. */
    private List<Query> knownItems(List<Doc> docs, Random random) {
        Map<Doc, String> flattened = new HashMap<>();
        for (Doc doc : docs) {
            flattened.put(doc, SPACE.matcher(doc.text().text()).replaceAll(" "));
        }
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (Doc doc : docs) {
            List<String> sentences = new ArrayList<>();
            for (String s : SENTENCE_END.split(doc.text().text())) {
                String sentence = SPACE.matcher(s).replaceAll(" ").strip();
                int words = sentence.split(" ").length;
                if (words >= 8 && words <= 40 && mostlyLetters(sentence)
                        && docs.stream().filter(d -> d != doc).noneMatch(d -> flattened.get(d).contains(sentence))) {
                    sentences.add(sentence);
                }
            }
            if (!sentences.isEmpty()) {
                candidates.put(doc.id(), sentences);
            }
        }
        List<String> ids = new ArrayList<>(candidates.keySet());
        List<Query> picked = new ArrayList<>();
        for (int attempt = 0; picked.size() < queries && attempt < queries * 20; attempt++) {
            String id = ids.get(random.nextInt(ids.size()));
            List<String> sentences = candidates.get(id);
            String sentence = sentences.get(random.nextInt(sentences.size()));
            if (picked.stream().noneMatch(q -> q.text().equals(sentence))) {
                picked.add(new Query("known-item", sentence, id));
            }
        }
        return picked;
    }

    /** Each document's first heading that no other document has as its first, in a seeded order. */
    private List<Query> titles(List<Doc> docs, Random random) {
        Map<String, Long> counts = docs.stream().map(Doc::title).filter(t -> t != null)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<Query> titles = new ArrayList<>();
        for (Doc doc : docs) {
            String title = doc.title();
            if (title != null && counts.get(title) == 1) {
                titles.add(new Query("title", title, doc.id()));
            }
        }
        Collections.shuffle(titles, random);
        return titles.subList(0, Math.min(queries, titles.size()));
    }

    private static boolean mostlyLetters(String sentence) {
        long letters = sentence.chars().filter(Character::isLetter).count();
        long visible = sentence.chars().filter(c -> !Character.isWhitespace(c)).count();
        return letters >= 0.8 * visible;
    }

    private static List<Query> concat(List<Query> a, List<Query> b) {
        List<Query> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static double percentile(List<Long> nanos, int p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
