package dev.sluice.workers.search;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;

/**
 * A vector index a bundle carries, found with {@link java.util.ServiceLoader} by the
 * {@code VECTOR_INDEX} value that names it (the AWS bundles carry OpenSearch's only).
 */
public interface VectorIndexProvider {

    /** The {@code VECTOR_INDEX} value that picks this index. */
    String kind();

    /** Opens (or creates) the index the function's environment describes. */
    VectorIndex open(VectorIndexes.Choice choice, AwsClients aws);
}
