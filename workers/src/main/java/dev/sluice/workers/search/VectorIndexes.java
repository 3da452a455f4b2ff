package dev.sluice.workers.search;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Picks and builds the {@link VectorIndex} a function's environment names (see {@link Setting}). */
public final class VectorIndexes {

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
            return kind.equals("lucene") ? LuceneVectorIndex.open(directory, dimensions)
                    : OpenSearchVectorIndex.open(transport(aws), index, dimensions);
        }

        /** AWS endpoints are HTTPS and signed; a plain http:// endpoint is a local node without security. */
        private OpenSearchTransport transport(AwsClients aws) {
            if (service == null) {
                return local(endpoint);
            }
            return new AwsSdk2Transport(aws.httpClient(), endpoint.getHost(), service, aws.region(),
                    AwsSdk2TransportOptions.builder()
                            .setCredentials(aws.credentials())
                            .setMapper(new JacksonJsonpMapper())
                            .build());
        }
    }

    public static Choice choice(AwsClients aws) {
        int dimensions = Setting.EMBEDDING_DIMENSIONS.intFrom(aws);
        String kind = Setting.VECTOR_INDEX.from(aws);
        return switch (kind) {
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
    }

    public static VectorIndex fromEnvironment(AwsClients aws) {
        return choice(aws).open(aws);
    }

    /** A node without the security plugin, such as the one scripts/opensearch-node.sh runs. */
    public static OpenSearchTransport local(URI endpoint) {
        return ApacheHttpClient5TransportBuilder
                .builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort()))
                .setMapper(new JacksonJsonpMapper())
                .build();
    }
}
