package dev.sluice.workers.bedrock;

import dev.sluice.core.aws.AwsClients;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The Bedrock Runtime clients a chat model calls through, from a function's environment: the sync one
 * (url-connection, like every other client of the bundle) for Converse, the async one (Netty, the only
 * HTTP client of the bundle that can read an event stream) for ConverseStream.
 *
 * <p>Neither retries: the AI gateway's router retries, honouring Retry-After, and counts every
 * failure against the model's circuit breaker, which an SDK retry would hide.
 *
 * <p>{@code BEDROCK_CREDENTIALS=process} (which only the local runtime sets, for {@code sluice up
 * --chat bedrock}) resolves credentials and region as any SDK client of the user's would, from the
 * process (environment, profile): the function's own are the local runtime's placeholders. The
 * endpoint is always {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} when the function has it.
 */
public final class BedrockChatClients {

    public static final String SERVICE = "BEDROCK_RUNTIME";
    public static final String CREDENTIALS = "BEDROCK_CREDENTIALS";

    private BedrockChatClients() {
    }

    public static BedrockRuntimeClient sync(AwsClients aws) {
        return forBedrock(aws).build(BedrockRuntimeClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())), SERVICE);
    }

    public static BedrockRuntimeAsyncClient async(AwsClients aws) {
        AwsClients bedrock = forBedrock(aws);
        java.net.URI endpoint = bedrock.endpoint(SERVICE);
        // Bedrock speaks HTTP/2 over TLS; a plain-http endpoint (a local double) speaks HTTP/1.1 only,
        // and the HTTP/2 default fails there with "First received frame was not SETTINGS".
        Protocol protocol = endpoint != null && "http".equals(endpoint.getScheme()) ? Protocol.HTTP1_1 : Protocol.HTTP2;
        return bedrock.buildAsync(BedrockRuntimeAsyncClient.builder()
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())), SERVICE,
                NettyNioAsyncHttpClient.builder().protocol(protocol).build());
    }

    private static AwsClients forBedrock(AwsClients aws) {
        if (!"process".equals(aws.env(CREDENTIALS, "function"))) {
            return aws;
        }
        Map<String, String> env = new HashMap<>(aws.env());
        env.keySet().removeAll(java.util.Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_REGION", "AWS_DEFAULT_REGION"));
        try {
            env.put("AWS_REGION", new DefaultAwsRegionProviderChain().getRegion().id());
        } catch (SdkClientException noRegionConfigured) {
            env.put("AWS_REGION", "us-east-1");
        }
        return new AwsClients(env);
    }
}
