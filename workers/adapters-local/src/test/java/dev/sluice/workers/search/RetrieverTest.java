package dev.sluice.workers.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
import dev.sluice.workers.lucene.LuceneVectorIndex;
import dev.sluice.workers.onnx.BgeSmallEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retriever over the local engines: the BGE model and a Lucene index. */
class RetrieverTest {

    private static final List<String> PASSAGES = List.of(
            "Employees receive twenty-five days of paid vacation per calendar year.",
            "Parking permits are issued by the facilities desk on the ground floor.",
            "The cafeteria serves lunch between noon and two o'clock on weekdays.",
            "Expense reports must be filed within thirty days with every receipt attached.");

    @TempDir
    Path dir;

    private final BgeSmallEmbedder embedder = new BgeSmallEmbedder();
    private LuceneVectorIndex index;
    private Retriever retriever;

    @BeforeEach
    void indexPassages() {
        index = LuceneVectorIndex.open(dir, BgeSmallEmbedder.DIMENSIONS);
        List<float[]> vectors = embedder.embed(PASSAGES);
        List<IndexedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < PASSAGES.size(); i++) {
            chunks.add(new IndexedChunk("acme", "handbook", "v1", "acme/handbook.md", i, i * 100, i * 100 + 80, null,
                    List.of("Handbook"), PASSAGES.get(i), vectors.get(i)));
        }
        index.upsert(chunks);
        retriever = new Retriever(embedder, index);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void findsThePassageThatAnswersAQuestionWithinTheTenant() {
        List<SearchHit> hits = retriever.retrieve("acme", "where do I get a parking permit", 2);

        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).ordinal()).isEqualTo(1);
        assertThat(hits.get(0).headingPath()).containsExactly("Handbook");
        assertThat(retriever.retrieve("globex", "where do I get a parking permit", 2)).isEmpty();
    }

    @Test
    void aQuestionTooLongToEmbedIsSearchedByItsWords() {
        // Over the embedder's window (about 700 tokens); none of the filler's words is in a passage.
        String prompt = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(60)
                + "How many days of paid vacation do employees receive?";

        List<SearchHit> hits = retriever.retrieve("acme", prompt, 1);

        assertThat(hits).singleElement().extracting(SearchHit::ordinal).isEqualTo(0);
    }

    @Test
    void nothingToReadFindsNothing() {
        assertThat(retriever.retrieve("acme", " \n ", 3)).isEmpty();
        assertThat(retriever.retrieve("acme", "\u0000\u0001", 3)).isEmpty();
    }
}
