package dev.sluice.workers.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.VectorIndexContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.lucene.document.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVectorIndexTest extends VectorIndexContract {

    @TempDir
    Path dir;

    @Override
    protected VectorIndex newIndex(int dimensions) {
        return LuceneVectorIndex.open(dir.resolve("index"), dimensions);
    }

    @Test
    void anIndexWrittenBeforeHybridSearchOpensAndAnswersByVectorWhileNewChunksAnswerByWordsToo() throws Exception {
        index.close();
        Path old = dir.resolve("old");
        // A chunk as the index wrote it before: the text stored only, no body, title, key term or type.
        try (var directory = org.apache.lucene.store.FSDirectory.open(old);
                var writer = new org.apache.lucene.index.IndexWriter(directory,
                        new org.apache.lucene.index.IndexWriterConfig())) {
            var doc = new org.apache.lucene.document.Document();
            doc.add(new org.apache.lucene.document.StringField(LuceneVectorIndex.ID, "before#0", Field.Store.NO));
            doc.add(new org.apache.lucene.document.StringField(LuceneVectorIndex.TENANT, "t", Field.Store.NO));
            doc.add(new org.apache.lucene.document.StringField(LuceneVectorIndex.DOCUMENT, "before", Field.Store.YES));
            doc.add(new org.apache.lucene.document.StringField(LuceneVectorIndex.VERSION, "v1", Field.Store.NO));
            doc.add(new org.apache.lucene.document.StoredField(LuceneVectorIndex.KEY, "t/before.md"));
            doc.add(new org.apache.lucene.document.StoredField(LuceneVectorIndex.ORDINAL, 0));
            doc.add(new org.apache.lucene.document.StoredField(LuceneVectorIndex.START, 0));
            doc.add(new org.apache.lucene.document.StoredField(LuceneVectorIndex.END, 10));
            doc.add(new org.apache.lucene.document.StoredField(LuceneVectorIndex.TEXT, "walrus habits"));
            doc.add(new org.apache.lucene.document.KnnFloatVectorField(LuceneVectorIndex.VECTOR, unit(1, 0),
                    org.apache.lucene.index.VectorSimilarityFunction.COSINE));
            writer.addDocument(doc);
        }

        index = LuceneVectorIndex.open(old, DIMENSIONS);
        index.upsert(List.of(text("t", "after", "t/after.md", 0, List.of(), "walrus diet", unit(0, 1))));

        assertThat(index.search("t", unit(1, 0), 2)).extracting(SearchHit::documentId)
                .containsExactly("before", "after");
        SearchQuery words = new SearchQuery("t", "walrus", unit(1, 0), 5, SearchQuery.Mode.LEXICAL,
                SearchFilters.NONE, SearchQuery.Group.CHUNK);
        assertThat(index.search(words)).extracting(SearchHit::documentId).containsExactly("after");
        assertThat(index.search(words.withMode(SearchQuery.Mode.HYBRID))).extracting(SearchHit::documentId)
                .containsExactly("after", "before");
    }

    @Test
    void oneDirectoryIsReadWithOneAnalyzer() {
        Path shared = dir.resolve("index");
        assertThatThrownBy(() -> LuceneVectorIndex.open(shared, DIMENSIONS, new LuceneVectorIndex.Lexical(true, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Lexical");
    }

    @Test
    void aRestartKeepsEverything() {
        index.upsert(List.of(chunk("t", "doc", "v1", 0, unit(1, 0, 0, 0)), chunk("t", "doc", "v1", 1, unit(0, 1))));
        index.deleteOtherVersions("t", "doc", "v1");
        index.close();

        index = newIndex(DIMENSIONS);

        assertThat(index.search("t", unit(1, 0, 0, 0), 10)).extracting(SearchHit::ordinal).containsExactly(0, 1);
    }

    @Test
    void reopeningWithAnotherDimensionIsRefused() {
        index.upsert(List.of(chunk("t", "doc", "v1", 0, unit(1))));
        // While open, the shared writer knows its dimension; after a restart the segments do.
        assertThatThrownBy(() -> newIndex(DIMENSIONS * 2)).isInstanceOf(IllegalArgumentException.class);
        index.close();
        assertThatThrownBy(() -> newIndex(DIMENSIONS * 2)).isInstanceOf(IllegalArgumentException.class);
        index = newIndex(DIMENSIONS);
    }

    @Test
    void handlesOnOneDirectoryShareAWriterAcrossThreads() throws Exception {
        int threads = 4;
        int perThread = 100;
        List<VectorIndex> handles = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            handles.add(newIndex(DIMENSIONS)); // what the local runtime does: one handler per invocation
        }
        Random random = new Random(7);
        List<List<IndexedChunk>> work = IntStream.range(0, threads).mapToObj(t -> IntStream.range(0, perThread)
                .mapToObj(i -> chunk("t", "doc" + t, "v1", i, randomUnit(random, DIMENSIONS))).toList()).toList();

        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                VectorIndex handle = handles.get(t);
                List<IndexedChunk> mine = work.get(t);
                // Ten small upserts each, so the threads interleave on the one writer.
                done.add(pool.submit(() -> {
                    for (int from = 0; from < perThread; from += 10) {
                        handle.upsert(mine.subList(from, from + 10));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        handles.get(0).close(); // the others keep working

        assertThat(index.search("t", unit(1), threads * perThread)).hasSize(threads * perThread);
        IndexedChunk some = work.get(3).get(42);
        assertThat(handles.get(1).search("t", some.vector(), 1)).singleElement()
                .satisfies(hit -> assertThat(hit.documentId() + "#" + hit.ordinal()).isEqualTo(some.id()));
        handles.subList(1, threads).forEach(VectorIndex::close);
    }
}
