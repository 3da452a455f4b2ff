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
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

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
        return signed(aws.httpClient(), choice.endpoint(), choice.service(), aws.region(), aws.credentials());
    }

    /**
     * An https endpoint of a collection ({@code service} {@code aoss}) or a domain ({@code es}),
     * every request signed with {@code credentials}.
     */
    public static OpenSearchTransport signed(SdkHttpClient http, URI endpoint, String service, Region region,
            AwsCredentialsProvider credentials) {
        String host = endpoint.getPort() == -1 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
        return new AwsSdk2Transport(http, host, service, region, AwsSdk2TransportOptions.builder()
                .setCredentials(credentials)
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
