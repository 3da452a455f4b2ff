package dev.sluice.workers.lucene;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.VectorIndexProvider;
import dev.sluice.workers.search.VectorIndexes;

/** {@code VECTOR_INDEX=lucene}: Lucene HNSW in a directory of the local runtime's state. */
public final class LuceneIndexProvider implements VectorIndexProvider {

    @Override
    public String kind() {
        return "lucene";
    }

    @Override
    public VectorIndex open(VectorIndexes.Choice choice, AwsClients aws) {
        return LuceneVectorIndex.open(choice.directory(), choice.dimensions());
    }
}
