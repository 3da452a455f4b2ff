package dev.sluice.workers.search;

import static dev.sluice.workers.search.ReciprocalRankFusionTest.hit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.SearchQuery.Group;
import dev.sluice.core.search.SearchQuery.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchResultsTest {

    private static final float[] VECTOR = {1, 0};
    private static final List<SearchHit> BY_VECTOR = List.of(hit("a", 0), hit("a", 1), hit("b", 0), hit("c", 0));
    private static final List<SearchHit> BY_TEXT = List.of(hit("c", 0), hit("a", 1), hit("d", 0));

    @Test
    void eachModeTakesItsRankingAndHybridFusesBoth() {
        assertThat(ids(SearchResults.of(query(Mode.VECTOR, 10, Group.CHUNK), BY_VECTOR, BY_TEXT)))
                .containsExactly("a#0", "a#1", "b#0", "c#0");
        assertThat(ids(SearchResults.of(query(Mode.LEXICAL, 10, Group.CHUNK), BY_VECTOR, BY_TEXT)))
                .containsExactly("c#0", "a#1", "d#0");
        // a#1: 2nd and 2nd; c#0: 4th and 1st; a#0: 1st; b#0: 3rd; d#0: 3rd (the vector list's first).
        assertThat(ids(SearchResults.of(query(Mode.HYBRID, 10, Group.CHUNK), BY_VECTOR, BY_TEXT)))
                .containsExactly("a#1", "c#0", "a#0", "b#0", "d#0");
    }

    @Test
    void groupingKeepsEachDocumentsBestChunkInRankOrderThenCutsToK() {
        assertThat(ids(SearchResults.of(query(Mode.VECTOR, 3, Group.DOCUMENT), BY_VECTOR, BY_TEXT)))
                .containsExactly("a#0", "b#0", "c#0");
        assertThat(ids(SearchResults.of(query(Mode.HYBRID, 2, Group.DOCUMENT), BY_VECTOR, BY_TEXT)))
                .containsExactly("a#1", "c#0");
        assertThat(ids(SearchResults.of(query(Mode.VECTOR, 2, Group.CHUNK), BY_VECTOR, BY_TEXT)))
                .containsExactly("a#0", "a#1");
    }

    @Test
    void candidatesAreAtLeastTheMinimumAndSeveralPerDocumentWhenGrouping() {
        assertThat(SearchResults.candidates(query(Mode.HYBRID, 5, Group.CHUNK)))
                .isEqualTo(VectorIndexes.MIN_CANDIDATES);
        assertThat(SearchResults.candidates(query(Mode.HYBRID, 50, Group.CHUNK))).isEqualTo(50);
        assertThat(SearchResults.candidates(query(Mode.HYBRID, 20, Group.DOCUMENT)))
                .isEqualTo(20 * SearchResults.CHUNKS_PER_DOCUMENT);
    }

    @Test
    void aQueryNeedsWhatItsModeReads() {
        assertThatThrownBy(() -> new SearchQuery("t", null, VECTOR, 5, Mode.HYBRID, SearchFilters.NONE, Group.CHUNK))
                .hasMessageContaining("text");
        assertThatThrownBy(() -> new SearchQuery("t", "q", null, 5, Mode.VECTOR, SearchFilters.NONE, Group.CHUNK))
                .hasMessageContaining("vector");
        assertThatThrownBy(() -> new SearchQuery("t", "q", VECTOR, 0, Mode.VECTOR, SearchFilters.NONE, Group.CHUNK))
                .hasMessageContaining("k");
        assertThat(new SearchQuery("t", "q", null, 5, Mode.LEXICAL, SearchFilters.NONE, Group.CHUNK).vector()).isNull();
    }

    private static SearchQuery query(Mode mode, int k, Group group) {
        return new SearchQuery("t", "q", VECTOR, k, mode, SearchFilters.NONE, group);
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(h -> h.documentId() + "#" + h.ordinal()).toList();
    }
}
