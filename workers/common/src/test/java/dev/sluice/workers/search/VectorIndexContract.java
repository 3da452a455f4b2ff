package dev.sluice.workers.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.SearchQuery.Group;
import dev.sluice.core.search.SearchQuery.Mode;
import dev.sluice.core.search.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link VectorIndex} must do; each engine's test supplies a fresh, empty index. */
public abstract class VectorIndexContract {

    protected static final int DIMENSIONS = 16;

    protected VectorIndex index;

    /** A new, empty index for vectors of {@code dimensions}. */
    protected abstract VectorIndex newIndex(int dimensions);

    @BeforeEach
    void openIndex() {
        index = newIndex(DIMENSIONS);
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    @Test
    void findsTheNearestFirstScoredOnePlusCosineOverTwo() {
        float[] query = unit(1, 0, 0, 0);
        List<IndexedChunk> chunks = List.of(
                chunk("t1", "doc", "v1", 0, unit(1, 0.1f, 0, 0)),
                chunk("t1", "doc", "v1", 1, unit(0, 1, 0, 0)),
                chunk("t1", "doc", "v1", 2, unit(-1, 0.2f, 0, 0)),
                chunk("t1", "doc", "v1", 3, unit(1, 1, 1, 0)));
        index.upsert(chunks);

        List<SearchHit> hits = index.search("t1", query, 4);

        assertThat(hits).extracting(SearchHit::ordinal).containsExactly(0, 3, 1, 2);
        for (SearchHit hit : hits) {
            double cos = dot(query, chunks.get(hit.ordinal()).vector());
            assertThat(hit.score()).as("ordinal %d", hit.ordinal()).isCloseTo((1 + cos) / 2, within(1e-4));
        }
        assertThat(hits.get(0).text()).isEqualTo("text of doc#0 v1");
        assertThat(hits.get(0).documentId()).isEqualTo("doc");
        assertThat(hits.get(0).key()).isEqualTo("t1/doc.txt");
    }

    @Test
    void neverReturnsAnotherTenantsChunks() {
        float[] v = unit(1, 2, 3, 4);
        index.upsert(List.of(chunk("mine", "a", "v1", 0, v), chunk("theirs", "b", "v1", 0, v),
                chunk("theirs", "b", "v1", 1, unit(1, 2, 3, 5))));

        assertThat(index.search("mine", v, 10)).extracting(SearchHit::documentId).containsExactly("a");
        assertThat(index.search("theirs", v, 10)).extracting(SearchHit::documentId).containsExactly("b", "b");
        assertThat(index.search("nobody", v, 10)).isEmpty();
    }

    @Test
    void upsertingTheSameIdAgainReplaces() {
        float[] v = unit(3, 1, 0, 0);
        index.upsert(List.of(chunk("t", "doc", "v1", 0, v)));
        IndexedChunk again = new IndexedChunk("t", "doc", "v2", "t/doc.txt", 0, 0, 5, null, List.of(), "replaced", v);
        index.upsert(List.of(again));

        List<SearchHit> hits = index.search("t", v, 10);

        assertThat(hits).singleElement().extracting(SearchHit::text).isEqualTo("replaced");
    }

    @Test
    void deleteDocumentRemovesEveryChunkOfThatDocumentOnly() {
        index.upsert(List.of(chunk("t", "gone", "v1", 0, unit(1, 0, 0, 0)),
                chunk("t", "gone", "v1", 1, unit(1, 1, 0, 0)),
                chunk("t", "kept", "v1", 0, unit(1, 0, 1, 0)),
                chunk("other", "gone2", "v1", 0, unit(1, 0, 0, 0))));

        index.deleteDocument("t", "gone");

        assertThat(index.search("t", unit(1, 0, 0, 0), 10)).extracting(SearchHit::documentId).containsExactly("kept");
        assertThat(index.search("other", unit(1, 0, 0, 0), 10)).hasSize(1);
    }

    @Test
    void deleteOtherVersionsKeepsOnlyTheGivenVersion() {
        // Version 1 had three chunks; version 2 shrank to two, replacing ordinals 0 and 1.
        index.upsert(IntStream.range(0, 3).mapToObj(i -> chunk("t", "doc", "v1", i, unit(1, i, 0, 0))).toList());
        index.upsert(IntStream.range(0, 2).mapToObj(i -> chunk("t", "doc", "v2", i, unit(1, i, 0, 0))).toList());
        index.upsert(List.of(chunk("t", "other", "v1", 0, unit(1, 0, 0, 1))));

        index.deleteOtherVersions("t", "doc", "v2");

        List<SearchHit> hits = index.search("t", unit(1, 0, 0, 0), 10);
        assertThat(hits).extracting(SearchHit::text)
                .containsExactlyInAnyOrder("text of doc#0 v2", "text of doc#1 v2", "text of other#0 v1");
    }

    @Test
    void kLargerThanTheCountReturnsEverything() {
        index.upsert(IntStream.range(0, 3).mapToObj(i -> chunk("t", "doc", "v1", i, unit(1, i, i, 0))).toList());

        assertThat(index.search("t", unit(1, 0, 0, 0), 100)).extracting(SearchHit::ordinal)
                .containsExactly(0, 1, 2);
    }

    @Test
    void pageAndHeadingPathRoundTrip() {
        float[] near = unit(1, 0, 0, 0);
        float[] far = unit(0, 1, 0, 0);
        index.upsert(List.of(
                new IndexedChunk("t", "pdf", "v1", "t/a.pdf", 0, 0, 10, 7, List.of("Intro", "Why > How", "ü"),
                        "paged", near),
                new IndexedChunk("t", "md", "v1", "t/b.md", 0, 0, 10, null, List.of(), "unpaged", far)));

        List<SearchHit> hits = index.search("t", near, 2);

        assertThat(hits.get(0).page()).isEqualTo(7);
        assertThat(hits.get(0).headingPath()).containsExactly("Intro", "Why > How", "ü");
        assertThat(hits.get(1).page()).isNull();
        assertThat(hits.get(1).headingPath()).isEmpty();
    }

    @Test
    void aBulkOfFiveHundredIsSearchableAtOnce() {
        Random random = new Random(5);
        List<IndexedChunk> chunks = IntStream.range(0, 500)
                .mapToObj(i -> chunk("t", "big", "v1", i, randomUnit(random, DIMENSIONS))).toList();

        index.upsert(chunks);

        for (int i : new int[] {0, 123, 499}) {
            assertThat(index.search("t", chunks.get(i).vector(), 1)).singleElement()
                    .extracting(SearchHit::ordinal).isEqualTo(i);
        }
        assertThat(index.search("t", chunks.get(0).vector(), 500)).hasSize(500);
    }

    @Test
    void recallAgainstBruteForceOnClusteredVectors() {
        Random random = new Random(42);
        int dims = DIMENSIONS;
        List<float[]> centres = IntStream.range(0, 8).mapToObj(i -> randomUnit(random, dims)).toList();
        List<IndexedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            chunks.add(chunk("t", "d" + (i / 50), "v1", i % 50, nearby(random, centres.get(i % centres.size()))));
        }
        index.upsert(chunks);

        int found = 0;
        int queries = 20;
        for (int q = 0; q < queries; q++) {
            float[] query = nearby(random, centres.get(q % centres.size()));
            Set<String> exact = new HashSet<>(chunks.stream()
                    .sorted(Comparator.comparingDouble((IndexedChunk c) -> -dot(query, c.vector())))
                    .limit(10).map(IndexedChunk::id).toList());
            for (SearchHit hit : index.search("t", query, 10)) {
                found += exact.contains(hit.documentId() + "#" + hit.ordinal()) ? 1 : 0;
            }
        }
        assertThat(found / (queries * 10.0)).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aVectorOfAnotherDimensionIsRefused() {
        float[] wrong = new float[DIMENSIONS + 1];
        wrong[0] = 1;
        assertThatThrownBy(() -> index.upsert(List.of(chunk("t", "d", "v1", 0, wrong))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search("t", wrong, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Four documents about different things; their vectors are unrelated to their words. */
    private void indexLibrary() {
        index.upsert(List.of(
                text("t", "kettle", "t/manuals/kettle-guide.md", 0, List.of("Descaling"),
                        "Fill the kettle with equal parts water and white vinegar, boil, and leave it overnight.",
                        unit(1, 0, 0, 0)),
                text("t", "kettle", "t/manuals/kettle-guide.md", 1, List.of("Warranty"),
                        "The heating element is guaranteed for two years from the date of purchase.",
                        unit(1, 0.2f, 0, 0)),
                text("t", "bike", "t/manuals/bicycle.txt", 0, List.of(),
                        "Inflate the tyres to the pressure printed on their sidewall before every ride.",
                        unit(0, 1, 0, 0)),
                text("t", "bike", "t/manuals/bicycle.txt", 1, List.of(),
                        "Oil the chain every few hundred kilometres, and wipe off what it does not soak up.",
                        unit(0, 1, 0.3f, 0)),
                text("t", "garden", "t/notes/garden.md", 0, List.of("Roses"),
                        "Prune roses in late winter, cutting just above an outward-facing bud.",
                        unit(0, 0, 1, 0)),
                text("other", "secret", "other/secret.md", 0, List.of(),
                        "Fill the kettle with vinegar: the other tenant's identical advice.", unit(1, 0, 0, 0))));
    }

    private static SearchQuery query(String text, float[] vector, int k, Mode mode) {
        return new SearchQuery("t", text, vector, k, mode, SearchFilters.NONE, Group.CHUNK);
    }

    @Test
    void lexicalSearchRanksByTheWordsOfTheTextWithinTheTenant() {
        indexLibrary();

        List<SearchHit> hits = index.search(query("how often should I oil the bicycle chain", null, 5, Mode.LEXICAL));

        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0)).extracting(SearchHit::documentId, SearchHit::ordinal).containsExactly("bike", 1);
        assertThat(index.search(query("vinegar", null, 10, Mode.LEXICAL))).extracting(SearchHit::documentId)
                .containsExactly("kettle");
        assertThat(index.search(query("nothing here matches zzyzx", null, 10, Mode.LEXICAL))).isEmpty();
    }

    @Test
    void lexicalSearchIgnoresCaseAndPunctuationButKeepsWordForms() {
        indexLibrary();

        assertThat(index.search(query("PRUNE Roses!", null, 5, Mode.LEXICAL))).extracting(SearchHit::documentId)
                .first().isEqualTo("garden");
        // No stemmer: a sentence copied from a document is found by its exact words (BENCHMARKS.md).
        assertThat(index.search(query("pruning", null, 5, Mode.LEXICAL))).isEmpty();
        // Query syntax is text: a colon, a quote, a star and a bracket are not operators.
        assertThat(index.search(query("kettle: \"vinegar* [boil", null, 5, Mode.LEXICAL)))
                .extracting(SearchHit::documentId).first().isEqualTo("kettle");
    }

    @Test
    void theFileNameAndHeadingsAreSearchable() {
        indexLibrary();

        // Neither word is in any chunk's text: one names a file, the other a heading.
        assertThat(index.search(query("bicycle", null, 5, Mode.LEXICAL))).extracting(SearchHit::documentId)
                .containsOnly("bike");
        assertThat(index.search(query("warranty", null, 5, Mode.LEXICAL))).extracting(SearchHit::documentId,
                SearchHit::ordinal).containsExactly(tuple("kettle", 1));
    }

    @Test
    void hybridFindsAKnownSentenceThatVectorSearchAloneMisses() {
        indexLibrary();
        // The query's vector points at the garden note; its words are the kettle's descaling sentence.
        String sentence = "equal parts water, white vinegar";
        float[] misleading = unit(-0.1f, 0, 1, 0.1f);

        List<SearchHit> byVector = index.search(query(sentence, misleading, 1, Mode.VECTOR));
        List<SearchHit> hybrid = index.search(query(sentence, misleading, 1, Mode.HYBRID));

        assertThat(byVector).extracting(SearchHit::documentId).containsExactly("garden");
        assertThat(hybrid).extracting(SearchHit::documentId, SearchHit::ordinal)
                .containsExactly(tuple("kettle", 0));
        // First by words and fifth of five by vector: fused, scaled so that first in both would be 1.
        double k = SearchResults.FUSION_K;
        assertThat(hybrid.get(0).score()).isCloseTo((1 / (k + 1) + 1 / (k + 5)) / (2 / (k + 1)), within(1e-9));
    }

    @Test
    void vectorModeScoresAsBeforeAndNeedsNoText() {
        indexLibrary();

        List<SearchHit> hits = index.search(query(null, unit(0, 1, 0, 0), 2, Mode.VECTOR));

        assertThat(hits).extracting(SearchHit::documentId).containsExactly("bike", "bike");
        assertThat(hits.get(0).score()).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void filtersByDocumentKeyPrefixAndType() {
        indexLibrary();
        SearchQuery all = query("kettle tyres chain roses vinegar", unit(1, 1, 1, 1), 10, Mode.HYBRID);

        assertThat(index.search(all)).extracting(SearchHit::documentId)
                .containsOnly("kettle", "bike", "garden").hasSize(5);
        for (Mode mode : Mode.values()) {
            SearchQuery q = all.withMode(mode);
            assertThat(index.search(q.withFilters(new SearchFilters("bike", null, null))))
                    .as(mode.name()).extracting(SearchHit::documentId).containsOnly("bike").hasSize(2);
            assertThat(index.search(q.withFilters(new SearchFilters(null, "t/manuals/", null))))
                    .as(mode.name()).extracting(SearchHit::documentId).containsOnly("kettle", "bike").hasSize(4);
            assertThat(index.search(q.withFilters(new SearchFilters(null, null, "markdown"))))
                    .as(mode.name()).extracting(SearchHit::documentId).containsOnly("kettle", "garden").hasSize(3);
            assertThat(index.search(q.withFilters(new SearchFilters(null, "t/manuals/", "markdown"))))
                    .as(mode.name()).extracting(SearchHit::documentId).containsOnly("kettle").hasSize(2);
            assertThat(index.search(q.withFilters(new SearchFilters(null, "other/", null)))).as(mode.name()).isEmpty();
            assertThat(index.search(q.withFilters(new SearchFilters("kettle", null, "text")))).as(mode.name())
                    .isEmpty();
        }
    }

    @Test
    void groupingByDocumentGivesEachDocumentOnceByItsBestChunk() {
        // One long document close to the query fills the head of the ranking.
        List<IndexedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            chunks.add(text("t", "long", "t/long.txt", i, List.of(), "boiler pressure notes part " + i,
                    unit(1, 0.01f * i, 0, 0)));
        }
        chunks.add(text("t", "short", "t/short.txt", 0, List.of(), "boiler maintenance", unit(1, 0.5f, 0, 0)));
        chunks.add(text("t", "far", "t/far.txt", 0, List.of(), "unrelated words", unit(0, 0, 0, 1)));
        index.upsert(chunks);

        for (Mode mode : Mode.values()) {
            SearchQuery q = query("boiler pressure", unit(1, 0, 0, 0), 2, mode);
            assertThat(index.search(q)).as(mode.name()).extracting(SearchHit::documentId)
                    .containsExactly("long", "long");
            List<SearchHit> grouped = index.search(q.withGroup(Group.DOCUMENT));
            assertThat(grouped).as(mode.name()).extracting(SearchHit::documentId).containsExactly("long", "short");
            assertThat(grouped.get(0).ordinal()).as(mode.name()).isEqualTo(index.search(q).get(0).ordinal());
        }
        assertThat(index.search(query("boiler", unit(1, 0, 0, 0), 10, Mode.VECTOR).withGroup(Group.DOCUMENT)))
                .extracting(SearchHit::documentId).containsExactly("long", "short", "far");
    }

    protected static IndexedChunk text(String tenant, String documentId, String key, int ordinal,
            List<String> headingPath, String text, float[] vector) {
        return new IndexedChunk(tenant, documentId, "v1", key, ordinal, ordinal * 100, ordinal * 100 + 100, null,
                headingPath, text, vector);
    }

    protected static IndexedChunk chunk(String tenant, String documentId, String version, int ordinal, float[] vector) {
        return new IndexedChunk(tenant, documentId, version, tenant + "/" + documentId + ".txt", ordinal,
                ordinal * 100, ordinal * 100 + 100, null, List.of("H"),
                "text of " + documentId + "#" + ordinal + " " + version, vector);
    }

    /** The first components given, the rest zero, normalised. */
    protected static float[] unit(float... head) {
        float[] v = new float[DIMENSIONS];
        System.arraycopy(head, 0, v, 0, head.length);
        return normalise(v);
    }

    protected static float[] randomUnit(Random random, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalise(v);
    }

    /** A point of a cluster: the centre plus gaussian noise, normalised. */
    protected static float[] nearby(Random random, float[] centre) {
        float[] v = new float[centre.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + (float) random.nextGaussian() * 0.15f;
        }
        return normalise(v);
    }

    protected static float[] normalise(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
