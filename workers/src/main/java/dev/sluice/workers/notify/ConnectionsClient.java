package dev.sluice.workers.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The API Gateway management API ({@code @connections}) of one WebSocket stage, SigV4-signed over
 * any SDK HTTP client. It stands in for the SDK's apigatewaymanagementapi client, whose only
 * releases (2.20/2.21) do not run against the SDK core this project uses.
 */
public final class ConnectionsClient {

    private static final String SERVICE = "execute-api";
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration BASE_DELAY = Duration.ofMillis(100);

    private final String endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    private record Response(int status, String errorType, byte[] body) {

        /** The error body's message ({@code {"message": …}} or {@code {"Message": …}}), else the body as text. */
        String message() {
            String text = new String(body, StandardCharsets.UTF_8);
            try {
                JsonNode json = Json.parse(text);
                JsonNode message = json.has("message") ? json.get("message") : json.path("Message");
                return message.isTextual() ? message.asText() : text;
            } catch (IllegalArgumentException notJson) {
                return text;
            }
        }
    }

    /**
     * @param endpoint the stage's management endpoint: {@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}
     *                 (or a custom domain's, or the local runtime's)
     */
    public ConnectionsClient(URI endpoint, Region region, AwsCredentialsProvider credentials, SdkHttpClient http) {
        String text = endpoint.toString();
        this.endpoint = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.region = region;
        this.credentials = credentials;
        this.http = http;
    }

    /** PostToConnection: {@code data} reaches the client as one text frame. */
    public void post(String connectionId, byte[] data) throws GoneException {
        call("PostToConnection", SdkHttpMethod.POST, connectionId, data);
    }

    /** GetConnection. */
    public ConnectionInfo get(String connectionId) throws GoneException {
        JsonNode info = Json.parse(new String(call("GetConnection", SdkHttpMethod.GET, connectionId, null),
                StandardCharsets.UTF_8));
        JsonNode identity = info.path("identity");
        return new ConnectionInfo(Instant.parse(info.get("connectedAt").asText()),
                Instant.parse(info.get("lastActiveAt").asText()), identity.path("sourceIp").textValue(),
                identity.path("userAgent").textValue());
    }

    /** DeleteConnection: API Gateway closes the connection. */
    public void delete(String connectionId) throws GoneException {
        call("DeleteConnection", SdkHttpMethod.DELETE, connectionId, null);
    }

    /** The response body of a 2xx; throttling and server errors are retried with backoff and full jitter. */
    private byte[] call(String operation, SdkHttpMethod method, String connectionId, byte[] data)
            throws GoneException {
        for (int attempt = 1; ; attempt++) {
            Response response = send(method, connectionId, data);
            int status = response.status();
            if (status / 100 == 2) {
                return response.body();
            }
            if (status == 410) {
                throw new GoneException(connectionId);
            }
            boolean retryable = status == 429 || status / 100 == 5;
            if (!retryable || attempt == MAX_ATTEMPTS) {
                throw new ConnectionsApiException(operation, status, response.errorType(),
                        response.message() + (retryable ? " (after " + attempt + " attempts)" : ""));
            }
            backOff(attempt);
        }
    }

    /** Signed afresh on every attempt, so a retry never carries a stale date. */
    private Response send(SdkHttpMethod method, String connectionId, byte[] data) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(method)
                .uri(URI.create(endpoint + "/@connections/" + SdkHttpUtils.urlEncode(connectionId)));
        ContentStreamProvider payload = data == null ? null : ContentStreamProvider.fromByteArrayUnsafe(data);
        if (data != null) {
            request.putHeader("Content-Length", Integer.toString(data.length));
        }
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            byte[] body;
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    body = in.readAllBytes();
                }
            } else {
                body = new byte[0];
            }
            return new Response(response.httpResponse().statusCode(),
                    // AWS may append ":<namespace>" to the type, as in "GoneException:http://internal...".
                    response.httpResponse().firstMatchingHeader("x-amzn-ErrorType")
                            .map(type -> type.split(":", 2)[0]).orElse(null), body);
        } catch (IOException e) {
            throw new UncheckedIOException("@connections request to " + endpoint + " failed", e);
        }
    }

    /** Exponential backoff with full jitter: a random wait up to 100 ms, then up to 200 ms. */
    private static void backOff(int attempt) {
        long ceiling = BASE_DELAY.toMillis() << (attempt - 1);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
