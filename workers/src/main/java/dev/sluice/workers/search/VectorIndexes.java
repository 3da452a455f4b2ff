package dev.sluice.workers.search;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.embed.Embedders;
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

    public static VectorIndex fromEnvironment(AwsClients aws) {
        int dimensions = Embedders.dimensions(aws);
        String kind = Setting.VECTOR_INDEX.from(aws);
        return switch (kind) {
            case "lucene" -> LuceneVectorIndex.open(Path.of(required(aws, Setting.VECTOR_INDEX_DIR)), dimensions);
            case "opensearch" -> OpenSearchVectorIndex.open(transport(aws), Setting.OPENSEARCH_INDEX.from(aws),
                    dimensions);
            default -> throw new IllegalArgumentException(
                    Setting.VECTOR_INDEX.name() + " must be lucene or opensearch, not " + kind);
        };
    }

    /** AWS endpoints are HTTPS and signed; a plain http:// endpoint is a local node without security. */
    static OpenSearchTransport transport(AwsClients aws) {
        URI endpoint = URI.create(required(aws, Setting.OPENSEARCH_ENDPOINT));
        if ("http".equals(endpoint.getScheme())) {
            return local(endpoint);
        }
        String service = Setting.OPENSEARCH_SERVICE.from(aws);
        if (!service.equals("aoss") && !service.equals("es")) {
            throw new IllegalArgumentException(
                    Setting.OPENSEARCH_SERVICE.name() + " must be aoss or es, not " + service);
        }
        return new AwsSdk2Transport(aws.httpClient(), endpoint.getHost(), service, aws.region(),
                AwsSdk2TransportOptions.builder()
                        .setCredentials(aws.credentials())
                        .setMapper(new JacksonJsonpMapper())
                        .build());
    }

    /** A node without the security plugin, such as the one scripts/opensearch-node.sh runs. */
    public static OpenSearchTransport local(URI endpoint) {
        return ApacheHttpClient5TransportBuilder
                .builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort()))
                .setMapper(new JacksonJsonpMapper())
                .build();
    }

    private static String required(AwsClients aws, Setting setting) {
        String value = setting.from(aws);
        if (value.isBlank()) {
            throw new IllegalStateException(setting.name() + " is not set");
        }
        return value;
    }
}
