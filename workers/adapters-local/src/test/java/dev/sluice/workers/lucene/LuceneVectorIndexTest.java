package dev.sluice.workers.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
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
