package dev.sluice.workers.opensearch;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.VectorIndexProvider;
import dev.sluice.workers.search.VectorIndexes;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** {@code VECTOR_INDEX=opensearch}: an OpenSearch k-NN index, signed on AWS. */
public final class OpenSearchIndexProvider implements VectorIndexProvider {

    @Override
    public String kind() {
        return "opensearch";
    }

    @Override
    public VectorIndex open(VectorIndexes.Choice choice, AwsClients aws) {
        return OpenSearchVectorIndex.open(transport(choice, aws), choice.index(), choice.dimensions());
    }

    /** AWS endpoints are HTTPS and signed; a plain http:// endpoint is a local node without security. */
    private static OpenSearchTransport transport(VectorIndexes.Choice choice, AwsClients aws) {
        if (choice.service() == null) {
            return local(choice.endpoint());
        }
        return new AwsSdk2Transport(aws.httpClient(), choice.endpoint().getHost(), choice.service(), aws.region(),
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
}
