package dev.sluice.workers.search;

import dev.sluice.core.search.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a chunk scores the sum over the
 * rankings that hold it of {@code 1 / (k + rank)}, rank counted from 1. It needs no calibration
 * between BM25 scores (unbounded) and cosine scores (a narrow band for BGE), which is why both
 * indexes fuse their two lists with this one class rather than with an engine's own normalization.
 *
 * <p>The fused score is divided by its greatest possible value ({@code rankings / (k + 1)}), so a
 * chunk first in every ranking scores 1 and one first in one of two scores about 0.5.
 */
public final class ReciprocalRankFusion {

    /**
     * The paper's constant, also OpenSearch's and Elasticsearch's default: it damps the head of each
     * ranking so that a chunk both lists place well beats one that a single list places first. The
     * indexes fuse with a smaller one ({@link SearchResults#FUSION_K}).
     */
    public static final int DEFAULT_K = 60;

    private final int k;

    public ReciprocalRankFusion() {
        this(DEFAULT_K);
    }

    public ReciprocalRankFusion(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative: " + k);
        }
        this.k = k;
    }

    /**
     * The chunks of every ranking (each best first), once each, by fused score, best first. A chunk
     * is the same in two rankings when its document and ordinal are; the hit kept is the first seen.
     * Ties go to the chunk with the better single rank, then to the earlier ranking's order.
     */
    public List<SearchHit> fuse(List<List<SearchHit>> rankings) {
        Map<String, Fused> byChunk = new LinkedHashMap<>();
        for (List<SearchHit> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                SearchHit hit = ranking.get(i);
                int rank = i + 1;
                Fused fused = byChunk.computeIfAbsent(hit.documentId() + "#" + hit.ordinal(),
                        id -> new Fused(hit, byChunk.size()));
                fused.sum += 1.0 / (k + rank);
                fused.bestRank = Math.min(fused.bestRank, rank);
            }
        }
        double best = rankings.isEmpty() ? 1 : rankings.size() / (double) (k + 1);
        List<Fused> ordered = new ArrayList<>(byChunk.values());
        ordered.sort(Comparator.comparingDouble((Fused f) -> -f.sum).thenComparingInt(f -> f.bestRank)
                .thenComparingInt(f -> f.firstSeen));
        return ordered.stream().map(f -> new SearchHit(f.hit.documentId(), f.hit.key(), f.hit.ordinal(),
                f.hit.text(), f.sum / best, f.hit.page(), f.hit.headingPath())).toList();
    }

    private static final class Fused {
        final SearchHit hit;
        final int firstSeen;
        double sum;
        int bestRank = Integer.MAX_VALUE;

        Fused(SearchHit hit, int firstSeen) {
            this.hit = hit;
            this.firstSeen = firstSeen;
        }
    }
}
