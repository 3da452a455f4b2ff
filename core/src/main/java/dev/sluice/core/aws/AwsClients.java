package dev.sluice.core.aws;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients from a function's environment with the SDK's own settings: {@code AWS_REGION},
 * the credentials Lambda puts in the environment, and {@code AWS_ENDPOINT_URL} /
 * {@code AWS_ENDPOINT_URL_<SERVICE>}. The SDK reads those from the process; this reads them from
 * {@link FunctionEnvironment} so that in-process local functions get theirs, and AWS behaves the same.
 */
public final class AwsClients {

    private final Map<String, String> env;
    private final SdkHttpClient http;
    private final List<SdkClient> built = new CopyOnWriteArrayList<>();

    /** Reads {@code env} itself (a function's own variables, which stay as they are), not a copy. */
    public AwsClients(Map<String, String> env) {
        this.env = Collections.unmodifiableMap(env);
        // One connection pool per execution environment, shared by its clients.
        this.http = UrlConnectionHttpClient.create();
    }

    public static AwsClients fromEnvironment() {
        return new AwsClients(FunctionEnvironment.current());
    }

    public Map<String, String> env() {
        return env;
    }

    public String env(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public Region region() {
        return Region.of(env("AWS_REGION", env("AWS_DEFAULT_REGION", "us-east-1")));
    }

    public SdkHttpClient httpClient() {
        return http;
    }

    /** Every client built here so far, in order: what SnapStart priming warms before the snapshot. */
    public List<SdkClient> clients() {
        return List.copyOf(built);
    }

    public AwsCredentialsProvider credentials() {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        AwsCredentials credentials = token == null
                ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, token);
        return StaticCredentialsProvider.create(credentials);
    }

    /** The endpoint override for a service ({@code "DYNAMODB"}, {@code "SQS"}), or null for AWS's own. */
    public URI endpoint(String serviceEnvName) {
        String specific = env.get("AWS_ENDPOINT_URL_" + serviceEnvName.toUpperCase(Locale.ROOT));
        String any = specific != null ? specific : env.get("AWS_ENDPOINT_URL");
        return any == null || any.isBlank() ? null : URI.create(any);
    }

    /**
     * Configures an async client builder as {@link #build(AwsClientBuilder, String)} does a sync one, on
     * the caller's async HTTP client (this class holds none: only streaming APIs need one). Not among
     * {@link #clients()}: priming warms sync clients, and the caller closes this one.
     */
    public <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder<B, C>, C> C buildAsync(
            B builder, String serviceEnvName, SdkAsyncHttpClient asyncHttp) {
        builder.region(region()).credentialsProvider(credentials()).httpClient(asyncHttp);
        URI endpoint = endpoint(serviceEnvName);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * Configures a sync client builder: {@code build(DynamoDbClient.builder(), "DYNAMODB")}.
     * The builder must accept an {@link SdkHttpClient}, which every sync client builder does.
     */
    public <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C build(
            B builder, String serviceEnvName) {
        return build(builder, endpoint(serviceEnvName));
    }

    /** As {@link #build(AwsClientBuilder, String)}, at an endpoint of the caller's, or AWS's own when null. */
    public <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C build(
            B builder, URI endpoint) {
        builder.region(region()).credentialsProvider(credentials()).httpClient(http);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        C client = builder.build();
        if (client instanceof SdkClient sdk) {
            built.add(sdk);
        }
        return client;
    }
}
