package dev.sluice.workers.lucene;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.ChunkFields;
import dev.sluice.workers.search.SearchResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * The local {@link VectorIndex}: Lucene on disk, HNSW with cosine for vectors and BM25 over the
 * chunk's text and title (a {@link StandardAnalyzer}: lower-cased words, no stemming, no stop
 * words, as OpenSearch's default), fused by {@link SearchResults}. Every
 * change is committed before the call returns, so a restart keeps it, and refreshed, so the next
 * search sees it.
 *
 * <p>An index written before hybrid search lacks the text, title, key and type fields; it still opens
 * and answers vector searches, but its chunks are found by BM25 and by the key and type filters only
 * once their document is ingested again. Lucene fixes each field's indexing at its first use, so the
 * new fields have new names ({@code body}, not the stored {@code text}).
 *
 * <p>Lucene allows one writer per directory, and the local runtime builds one handler (so one of
 * these) per concurrent invocation in one JVM: every instance over a directory shares one writer and
 * searcher manager, opened by the first and closed by the last.
 */
public final class LuceneVectorIndex implements VectorIndex {


    static final String ID = "id";
    static final String TENANT = "tenantId";
    static final String DOCUMENT = "documentId";
    static final String VERSION = "version";
    static final String KEY = "key";
    static final String ORDINAL = "ordinal";
    static final String START = "start";
    static final String END = "end";
    static final String PAGE = "page";
    static final String HEADING = "headingPath";
    static final String TEXT = "text";
    static final String VECTOR = "vector";
    /** The chunk's text, analyzed for BM25 (the stored copy is {@link #TEXT}). */
    static final String BODY = "body";
    /** {@link ChunkFields#title}, analyzed for BM25. */
    static final String TITLE = "title";
    /** The object key again, as one term, for prefix filters ({@link #KEY} is stored only). */
    static final String KEY_TERM = "keyTerm";
    static final String TYPE = "type";

    /**
     * How the BM25 fields are analyzed and weighed: an index is written and read with one analyzer.
     *
     * @param english    Lucene's {@link EnglishAnalyzer} (stop words, possessives, Porter stemming)
     *                   rather than the {@link StandardAnalyzer} (lower-casing only)
     * @param titleBoost the title field's weight beside the text's 1; 0 leaves titles out
     */
    public record Lexical(boolean english, float titleBoost) {

        /**
         * What the recall benchmark measured best (BENCHMARKS.md, "Search recall"): the standard
         * analyzer finds sentences copied from a document more often than the English one (exact word
         * forms count), and is what OpenSearch's text fields use; titles gain from a title field at
         * half the text's weight (more makes the title outweigh the words of a known sentence).
         */
        public static final Lexical DEFAULT = new Lexical(false, 0.5f);

        public Lexical {
            if (!(titleBoost >= 0)) {
                throw new IllegalArgumentException("titleBoost must not be negative: " + titleBoost);
            }
        }

        Analyzer analyzer() {
            return english ? new EnglishAnalyzer() : new StandardAnalyzer();
        }
    }

    /** Open shared writers by absolute directory; guarded by itself. */
    private static final Map<Path, Shared> OPEN = new HashMap<>();

    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LuceneVectorIndex(Shared shared) {
        this.shared = shared;
    }

    /**
     * Opens (creating if missing) the index in {@code directory} for vectors of {@code dimensions}.
     *
     * @throws IllegalArgumentException when the index there holds vectors of another dimension
     */
    public static LuceneVectorIndex open(Path directory, int dimensions) {
        return open(directory, dimensions, Lexical.DEFAULT);
    }

    /**
     * As {@link #open(Path, int)}, with the text analyzed and weighed as {@code lexical} says: for
     * measuring; an index must be read with the analyzer it was written with.
     */
    public static LuceneVectorIndex open(Path directory, int dimensions, Lexical lexical) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        synchronized (OPEN) {
            Path key = realPath(directory);
            Shared shared = OPEN.get(key);
            if (shared == null) {
                shared = Shared.open(key, dimensions, lexical);
                OPEN.put(key, shared);
            } else if (shared.dimensions != dimensions) {
                throw new IllegalArgumentException("index " + key + " holds " + shared.dimensions
                        + "-dimensional vectors, not " + dimensions);
            } else if (!shared.lexical.equals(lexical)) {
                throw new IllegalArgumentException("index " + key + " is open with " + shared.lexical + ", not "
                        + lexical);
            }
            shared.users++;
            return new LuceneVectorIndex(shared);
        }
    }

    private static Path realPath(Path directory) {
        try {
            Files.createDirectories(directory);
            return directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the index directory " + directory, e);
        }
    }

    @Override
    public void upsert(List<IndexedChunk> chunks) {
        List<Document> documents = new ArrayList<>(chunks.size());
        for (IndexedChunk chunk : chunks) {
            checkDimensions(chunk.vector());
            documents.add(document(chunk));
        }
        change(writer -> {
            for (int i = 0; i < documents.size(); i++) {
                writer.updateDocument(new Term(ID, chunks.get(i).id()), documents.get(i));
            }
        });
    }

    @Override
    public void deleteDocument(String tenantId, String documentId) {
        deleteMatching(documentQuery(tenantId, documentId).build());
    }

    @Override
    public void deleteOtherVersions(String tenantId, String documentId, String version) {
        deleteMatching(documentQuery(tenantId, documentId)
                .add(new TermQuery(new Term(VERSION, version)), Occur.MUST_NOT)
                .build());
    }

    /**
     * Deletes only when something matches: a first upload has no other version, and a commit (an
     * fsync, serialized across every writer of the directory) for nothing is the costliest no-op.
     */
    private void deleteMatching(Query query) {
        checkOpen();
        int matches;
        try {
            IndexSearcher searcher = shared.searchers.acquire();
            try {
                matches = searcher.count(query);
            } finally {
                shared.searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot search the index in " + shared.path, e);
        }
        if (matches > 0) {
            change(writer -> writer.deleteDocuments(query));
        }
    }

    /**
     * Merges the index down to at most {@code segments} segments and waits. Each segment is an HNSW
     * graph of its own that every search visits, so an index loaded in many small commits searches
     * several times slower until Lucene's background merges catch up; after a bulk load this
     * catches up at once.
     */
    public void forceMerge(int segments) {
        change(writer -> writer.forceMerge(segments));
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        if (query.vector() != null) {
            checkDimensions(query.vector());
        }
        checkOpen();
        int candidates = SearchResults.candidates(query);
        Query filter = filter(query.tenantId(), query.filters());
        try {
            IndexSearcher searcher = shared.searchers.acquire();
            try {
                List<SearchHit> byVector = query.mode() == SearchQuery.Mode.LEXICAL ? List.of()
                        : hits(searcher, new KnnFloatVectorQuery(VECTOR, query.vector(), candidates, filter),
                                candidates);
                List<SearchHit> byText = List.of();
                if (query.mode() != SearchQuery.Mode.VECTOR) {
                    Query lexical = lexical(query.text(), filter);
                    byText = lexical == null ? List.of() : hits(searcher, lexical, candidates);
                }
                return SearchResults.of(query, byVector, byText);
            } finally {
                shared.searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot search the index in " + shared.path, e);
        }
    }

    private static List<SearchHit> hits(IndexSearcher searcher, Query query, int n) throws IOException {
        TopDocs top = searcher.search(query, n);
        List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc scoreDoc : top.scoreDocs) {
            hits.add(hit(searcher.storedFields().document(scoreDoc.doc), scoreDoc.score));
        }
        return hits;
    }

    /**
     * Any of the text's terms in the chunk's text or title, BM25-scored, within the filter; null when
     * the analyzer leaves no term (a query of stop words only), which matches nothing. Built term by
     * term, not parsed: a query's quotes, colons and wildcards are words to find, not syntax.
     */
    private Query lexical(String text, Query filter) {
        QueryBuilder builder = new QueryBuilder(shared.analyzer);
        Query body = builder.createBooleanQuery(BODY, text);
        Query title = shared.lexical.titleBoost() > 0 ? builder.createBooleanQuery(TITLE, text) : null;
        if (body == null && title == null) {
            return null;
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder().add(filter, Occur.FILTER);
        if (body != null) {
            query.add(body, Occur.SHOULD);
        }
        if (title != null) {
            query.add(new BoostQuery(title, shared.lexical.titleBoost()), Occur.SHOULD);
        }
        return query.setMinimumNumberShouldMatch(1).build();
    }

    private static Query filter(String tenantId, SearchFilters filters) {
        BooleanQuery.Builder filter = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, tenantId)), Occur.FILTER);
        if (filters.documentId() != null) {
            filter.add(new TermQuery(new Term(DOCUMENT, filters.documentId())), Occur.FILTER);
        }
        if (filters.keyPrefix() != null) {
            filter.add(new PrefixQuery(new Term(KEY_TERM, filters.keyPrefix())), Occur.FILTER);
        }
        if (filters.type() != null) {
            filter.add(new TermQuery(new Term(TYPE, filters.type())), Occur.FILTER);
        }
        return filter.build();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (OPEN) {
            if (--shared.users == 0) {
                OPEN.remove(shared.path);
                shared.close();
            }
        }
    }

    private void checkDimensions(float[] vector) {
        if (vector.length != shared.dimensions) {
            throw new IllegalArgumentException("the index holds " + shared.dimensions
                    + "-dimensional vectors; got " + vector.length);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this handle on " + shared.path + " is closed");
        }
    }

    private interface WriterChange {
        void apply(IndexWriter writer) throws IOException;
    }

    /** Applies, commits (durable) and refreshes (visible) before returning. */
    private void change(WriterChange change) {
        checkOpen();
        try {
            change.apply(shared.writer);
            shared.writer.commit();
            shared.searchers.maybeRefreshBlocking();
        } catch (IOException | AlreadyClosedException e) {
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot change the index in " + shared.path, e);
        }
    }

    private static BooleanQuery.Builder documentQuery(String tenantId, String documentId) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, tenantId)), Occur.FILTER)
                .add(new TermQuery(new Term(DOCUMENT, documentId)), Occur.FILTER);
    }

    private static Document document(IndexedChunk chunk) {
        Document doc = new Document();
        doc.add(new StringField(ID, chunk.id(), Field.Store.NO));
        doc.add(new StringField(TENANT, chunk.tenantId(), Field.Store.NO));
        doc.add(new StringField(DOCUMENT, chunk.documentId(), Field.Store.YES));
        doc.add(new StringField(VERSION, chunk.version(), Field.Store.NO));
        doc.add(new StoredField(KEY, chunk.key()));
        doc.add(new StringField(KEY_TERM, chunk.key(), Field.Store.NO));
        String type = ChunkFields.type(chunk);
        if (type != null) {
            doc.add(new StringField(TYPE, type, Field.Store.NO));
        }
        doc.add(new TextField(BODY, chunk.text(), Field.Store.NO));
        doc.add(new TextField(TITLE, ChunkFields.title(chunk), Field.Store.NO));
        doc.add(new StoredField(ORDINAL, chunk.ordinal()));
        doc.add(new StoredField(START, chunk.start()));
        doc.add(new StoredField(END, chunk.end()));
        if (chunk.page() != null) {
            doc.add(new StoredField(PAGE, chunk.page()));
        }
        // Stored values of one field come back in the order they were added.
        for (String heading : chunk.headingPath()) {
            doc.add(new StoredField(HEADING, heading));
        }
        doc.add(new StoredField(TEXT, chunk.text()));
        doc.add(new KnnFloatVectorField(VECTOR, chunk.vector(), VectorSimilarityFunction.COSINE));
        return doc;
    }

    private static SearchHit hit(Document doc, float score) {
        var page = doc.getField(PAGE);
        return new SearchHit(doc.get(DOCUMENT), doc.get(KEY), doc.getField(ORDINAL).numericValue().intValue(),
                doc.get(TEXT), score, page == null ? null : page.numericValue().intValue(),
                List.of(doc.getValues(HEADING)));
    }

    /** One directory's writer and searchers, and how many open handles use them. */
    private static final class Shared {

        final Path path;
        final int dimensions;
        final Lexical lexical;
        final Analyzer analyzer;
        final IndexWriter writer;
        final SearcherManager searchers;
        int users;

        private Shared(Path path, int dimensions, Lexical lexical, Analyzer analyzer, IndexWriter writer,
                SearcherManager searchers) {
            this.path = path;
            this.dimensions = dimensions;
            this.lexical = lexical;
            this.analyzer = analyzer;
            this.writer = writer;
            this.searchers = searchers;
        }

        static Shared open(Path path, int dimensions, Lexical lexical) {
            FSDirectory directory = null;
            IndexWriter writer = null;
            Analyzer analyzer = lexical.analyzer();
            try {
                directory = FSDirectory.open(path);
                writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
                Shared shared = new Shared(path, dimensions, lexical, analyzer, writer,
                        new SearcherManager(writer, null));
                shared.checkStoredDimensions();
                return shared;
            } catch (IOException e) {
                closeQuietly(writer, directory);
                // A writer of another process holds the lock, or the disk failed.
                throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot open the index in " + path, e);
            } catch (RuntimeException e) {
                closeQuietly(writer, directory);
                throw e;
            }
        }

        /** Lucene would refuse the first mismatching vector anyway; this says so at open. */
        private void checkStoredDimensions() throws IOException {
            IndexSearcher searcher = searchers.acquire();
            try {
                FieldInfo field = FieldInfos.getMergedFieldInfos(searcher.getIndexReader()).fieldInfo(VECTOR);
                if (field != null && field.getVectorDimension() != dimensions) {
                    throw new IllegalArgumentException("index " + path + " holds " + field.getVectorDimension()
                            + "-dimensional vectors, not " + dimensions);
                }
            } finally {
                searchers.release(searcher);
            }
        }

        void close() {
            try {
                searchers.close();
                writer.close(); // commits
                writer.getDirectory().close();
                analyzer.close();
            } catch (IOException e) {
                throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot close the index in " + path, e);
            }
        }

        private static void closeQuietly(IndexWriter writer, FSDirectory directory) {
            try {
                if (writer != null) {
                    writer.rollback();
                }
                if (directory != null) {
                    directory.close();
                }
            } catch (IOException | RuntimeException suppressed) {
                // Already failing with the cause that matters.
            }
        }
    }
}
