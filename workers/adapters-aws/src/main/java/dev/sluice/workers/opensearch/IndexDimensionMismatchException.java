package dev.sluice.workers.opensearch;

/**
 * An index exists, but with vectors of another dimension than the embedder makes. Permanent: a
 * mapping cannot change, so the new dimension needs an index of its own.
 */
public final class IndexDimensionMismatchException extends IllegalStateException {

    private final String index;
    private final int existing;
    private final int wanted;

    public IndexDimensionMismatchException(String index, int existing, int wanted) {
        super("index " + index + " holds " + existing + "-dimensional vectors, not " + wanted
                + ": an index keeps its dimension, so " + wanted + "-dimensional vectors need a new index name");
        this.index = index;
        this.existing = existing;
        this.wanted = wanted;
    }

    public String index() {
        return index;
    }

    public int existing() {
        return existing;
    }

    public int wanted() {
        return wanted;
    }
}
