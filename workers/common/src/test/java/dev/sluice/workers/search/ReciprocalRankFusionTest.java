package dev.sluice.workers.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.core.search.SearchHit;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    private final ReciprocalRankFusion fusion = new ReciprocalRankFusion();

    @Test
    void aChunkBothListsPlaceWellBeatsOneThatOnlyOneListPlacesFirst() {
        List<SearchHit> byVector = List.of(hit("a", 0), hit("b", 0), hit("c", 0));
        List<SearchHit> byText = List.of(hit("c", 0), hit("b", 0), hit("d", 0));

        List<SearchHit> fused = fusion.fuse(List.of(byVector, byText));

        // c: 1/63 + 1/61 (a hair over b's); b: 1/62 + 1/62; a: 1/61; d: 1/63.
        assertThat(fused).extracting(SearchHit::documentId).containsExactly("c", "b", "a", "d");
        double best = 2.0 / 61;
        assertThat(fused.get(0).score()).isCloseTo((1.0 / 63 + 1.0 / 61) / best, within(1e-12));
        assertThat(fused.get(1).score()).isCloseTo((2.0 / 62) / best, within(1e-12));
        assertThat(fused.get(2).score()).isCloseTo((1.0 / 61) / best, within(1e-12));
        assertThat(fused.get(3).score()).isCloseTo((1.0 / 63) / best, within(1e-12));
    }

    @Test
    void firstInEveryListScoresOne() {
        List<SearchHit> fused = fusion.fuse(List.of(List.of(hit("a", 0)), List.of(hit("a", 0))));

        assertThat(fused).singleElement().extracting(SearchHit::score).isEqualTo(1.0);
    }

    @Test
    void chunksAreTheSameByDocumentAndOrdinalAndKeepTheirFields() {
        SearchHit paged = new SearchHit("doc", "t/doc.pdf", 3, "the text", 0.87, 12, List.of("Intro"));
        SearchHit sameChunkOtherScore = new SearchHit("doc", "t/doc.pdf", 3, "the text", 14.2, 12, List.of("Intro"));

        List<SearchHit> fused = fusion.fuse(List.of(List.of(paged, hit("doc", 4)), List.of(sameChunkOtherScore)));

        assertThat(fused).hasSize(2);
        assertThat(fused.get(0)).usingRecursiveComparison().ignoringFields("score").isEqualTo(paged);
        assertThat(fused.get(1).ordinal()).isEqualTo(4);
    }

    @Test
    void tiesGoToTheBetterSingleRankThenToTheEarlierList() {
        // p and q are each 1st of one list only: equal sums and ranks, so the first list's goes first.
        List<SearchHit> fused = fusion.fuse(List.of(List.of(hit("p", 0)), List.of(hit("q", 0))));
        assertThat(fused).extracting(SearchHit::documentId).containsExactly("p", "q");

        List<SearchHit> tied = new ReciprocalRankFusion(0).fuse(List.of(
                List.of(hit("m", 0), hit("n", 0)), List.of(hit("o", 0), hit("o2", 0), hit("n2", 0))));
        // k = 0: m and o both 1/1, n and o2 both 1/2; n2 1/3.
        assertThat(tied).extracting(SearchHit::documentId).containsExactly("m", "o", "n", "o2", "n2");
    }

    @Test
    void emptyRankingsFuseToNothingAndOneRankingKeepsItsOrder() {
        assertThat(fusion.fuse(List.of())).isEmpty();
        assertThat(fusion.fuse(List.of(List.of(), List.of()))).isEmpty();
        assertThat(fusion.fuse(List.of(List.of(hit("a", 0), hit("b", 0)), List.of())))
                .extracting(SearchHit::documentId).containsExactly("a", "b");
    }

    @Test
    void aNegativeConstantIsRefused() {
        assertThatThrownBy(() -> new ReciprocalRankFusion(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    static SearchHit hit(String documentId, int ordinal) {
        return new SearchHit(documentId, "t/" + documentId + ".txt", ordinal, documentId + "#" + ordinal, 0.5, null,
                List.of());
    }
}
