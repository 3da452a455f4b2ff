package dev.sluice.workers.lucene;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.VectorIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;

/**
 * The local {@link VectorIndex}: Lucene HNSW on disk, cosine. Every change is committed before the
 * call returns, so a restart keeps it, and refreshed, so the next search sees it.
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
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        synchronized (OPEN) {
            Path key = realPath(directory);
            Shared shared = OPEN.get(key);
            if (shared == null) {
                shared = Shared.open(key, dimensions);
                OPEN.put(key, shared);
            } else if (shared.dimensions != dimensions) {
                throw new IllegalArgumentException("index " + key + " holds " + shared.dimensions
                        + "-dimensional vectors, not " + dimensions);
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
    public List<SearchHit> search(String tenantId, float[] vector, int k) {
        checkDimensions(vector);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        checkOpen();
        try {
            IndexSearcher searcher = shared.searchers.acquire();
            try {
                Query query = new KnnFloatVectorQuery(VECTOR, vector, Math.max(k, VectorIndexes.MIN_CANDIDATES),
                        new TermQuery(new Term(TENANT, tenantId)));
                TopDocs top = searcher.search(query, k);
                List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
                for (ScoreDoc scoreDoc : top.scoreDocs) {
                    hits.add(hit(searcher.storedFields().document(scoreDoc.doc), scoreDoc.score));
                }
                return hits;
            } finally {
                shared.searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot search the index in " + shared.path, e);
        }
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
        final IndexWriter writer;
        final SearcherManager searchers;
        int users;

        private Shared(Path path, int dimensions, IndexWriter writer, SearcherManager searchers) {
            this.path = path;
            this.dimensions = dimensions;
            this.writer = writer;
            this.searchers = searchers;
        }

        static Shared open(Path path, int dimensions) {
            FSDirectory directory = null;
            IndexWriter writer = null;
            try {
                directory = FSDirectory.open(path);
                writer = new IndexWriter(directory,
                        new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
                Shared shared = new Shared(path, dimensions, writer, new SearcherManager(writer, null));
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
