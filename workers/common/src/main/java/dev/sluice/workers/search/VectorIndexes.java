package dev.sluice.workers.search;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Picks the {@link VectorIndex} a function's environment names (see {@link Setting}), among the
 * {@link VectorIndexProvider}s its bundle carries.
 */
public final class VectorIndexes {

    /**
     * How many neighbours an index's HNSW graph is asked for at least (both indexes build the same
     * graph). Measured on 100 k clustered 384-d vectors (shared FACTS): asking for exactly 10 recalls
     * 0.65 of the true top 10, asking for 50 and keeping the top 10 recalls 0.97, for well under a
     * millisecond more.
     */
    public static final int MIN_CANDIDATES = 50;

    private VectorIndexes() {
    }

    /**
     * The index a function's environment names, read when the handler is built; opening it (a
     * Lucene directory, or an OpenSearch index created if missing) may wait for its first use.
     * {@code directory} is set for Lucene; {@code endpoint}, {@code service} and {@code index} for
     * OpenSearch ({@code service} only for a signed https endpoint).
     */
    public record Choice(String kind, int dimensions, Path directory, URI endpoint, String service, String index) {

        public VectorIndex open(AwsClients aws) {
            return provider(kind).open(this, aws);
        }
    }

    public static Choice choice(AwsClients aws) {
        int dimensions = Setting.EMBEDDING_DIMENSIONS.intFrom(aws);
        String kind = Setting.VECTOR_INDEX.from(aws);
        Choice choice = switch (kind) {
            case "lucene" -> new Choice(kind, dimensions, Path.of(Setting.VECTOR_INDEX_DIR.from(aws)), null, null,
                    null);
            case "opensearch" -> {
                URI endpoint = URI.create(Setting.OPENSEARCH_ENDPOINT.from(aws));
                String service = null;
                if (!"http".equals(endpoint.getScheme())) {
                    service = Setting.OPENSEARCH_SERVICE.from(aws);
                    if (!service.equals("aoss") && !service.equals("es")) {
                        throw new IllegalArgumentException(
                                Setting.OPENSEARCH_SERVICE.name() + " must be aoss or es, not " + service);
                    }
                }
                yield new Choice(kind, dimensions, null, endpoint, service, Setting.OPENSEARCH_INDEX.from(aws));
            }
            default -> throw new IllegalArgumentException(
                    Setting.VECTOR_INDEX.name() + " must be lucene or opensearch, not " + kind);
        };
        provider(kind); // a bundle without it fails as its handler is built, not on the first search
        return choice;
    }

    public static VectorIndex fromEnvironment(AwsClients aws) {
        return choice(aws).open(aws);
    }

    private static VectorIndexProvider provider(String kind) {
        List<VectorIndexProvider> carried = ServiceLoader.load(VectorIndexProvider.class,
                VectorIndexProvider.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
        return carried.stream().filter(p -> p.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(Setting.VECTOR_INDEX.name() + "=" + kind
                        + ", but this bundle carries no such index; it has "
                        + carried.stream().map(VectorIndexProvider::kind).sorted().toList()));
    }
}
