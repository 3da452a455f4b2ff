package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The {@code @connections} API of the local WebSocket API, through the SDK's {@link ApiGatewayManagementApiClient}
 * as a notifier uses it (over the URL-connection client it uses on Lambda), and through a plain HTTP
 * client for what the SDK would never send.
 */
class ConnectionsApiTest {

    static final AwsCredentials ACCEPTED = AwsBasicCredentials.create("AKIDLOCAL", "local-secret");
    static final ScriptedWebSocketFunction function = new ScriptedWebSocketFunction();
    static final HttpClient plainHttp = HttpClient.newHttpClient();
    static LocalWebSocketApi api;
    static SdkHttpClient sdkHttp;
    static ApiGatewayManagementApiClient connections;

    @BeforeAll
    static void start() throws Exception {
        api = LocalWebSocketApi.start("a1b2c3d4e5", "live", ScriptedWebSocketFunction.FUNCTION,
                Set.of("$connect", "$disconnect", "$default"), function, ACCEPTED, "us-east-1", Limits.aws());
        sdkHttp = UrlConnectionHttpClient.create();
        connections = client(ACCEPTED);
    }

    @AfterAll
    static void stop() throws Exception {
        sdkHttp.close();
        api.close();
    }

    static ApiGatewayManagementApiClient client(AwsCredentials credentials) {
        return ApiGatewayManagementApiClient.builder().endpointOverride(api.managementUrl()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(sdkHttp).build();
    }

    static void post(ApiGatewayManagementApiClient client, String connectionId, String data) {
        client.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(data)));
    }

    record Connected(WebSocketClient client, String id) {
    }

    static Connected connect() throws Exception {
        String marker = UUID.randomUUID().toString();
        WebSocketClient client = WebSocketClient.connect(URI.create(api.webSocketUrl() + "?marker=" + marker));
        return new Connected(client, function.connectionWithMarker(marker));
    }

    @Test
    void postSendsTheDataToTheClientAsATextFrame() throws Exception {
        Connected c = connect();

        post(connections, c.id(), "{\"job\":\"done\"}");

        assertThat(c.client().nextText()).isEqualTo("{\"job\":\"done\"}");
        c.client().close(1000, "done");
    }

    @Test
    void aPostMadeAsSoonAsTheHandshakeCompletesIsDelivered() throws Exception {
        // Jetty opens the session just after the client sees its handshake: a connection accepted by
        // $connect must be reachable from that moment, not answer 410 for a few milliseconds.
        for (int i = 0; i < 20; i++) {
            Connected c = connect();
            post(connections, c.id(), "{\"n\":" + i + "}");
            assertThat(c.client().nextText()).isEqualTo("{\"n\":" + i + "}");
            c.client().close(1000, "done");
        }
    }

    @Test
    void postToAClosedConnectionIsGone() throws Exception {
        Connected c = connect();
        c.client().close(1000, "leaving");
        Await.until("the $disconnect", () -> !function.routed(c.id(), "$disconnect").isEmpty());

        assertThatThrownBy(() -> post(connections, c.id(), "late")).isInstanceOf(GoneException.class);
        assertThatThrownBy(() -> connections.getConnection(b -> b.connectionId(c.id())))
                .isInstanceOf(GoneException.class);
        assertThatThrownBy(() -> connections.deleteConnection(b -> b.connectionId(c.id())))
                .isInstanceOf(GoneException.class);
    }

    @Test
    void goneIsApiGatewaysBareGoneException() throws Exception {
        HttpResponse<String> response = send(signed(SdkHttpMethod.POST, "/live/@connections/bm8tc3VjaC1pZA%3D",
                "x", ACCEPTED, Instant.now()));

        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("GoneException");
        assertThat(response.body()).isEqualTo("{\"message\":null}");
    }

    @Test
    void getDescribesTheConnection() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Connected c = connect();
        Instant sent = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        c.client().send("{\"n\":1}");
        Await.until("the message", () -> !function.routed(c.id(), "$default").isEmpty());

        GetConnectionResponse info = connections.getConnection(b -> b.connectionId(c.id()));

        assertThat(info.connectedAt()).isBetween(before, sent);
        assertThat(info.lastActiveAt()).isBetween(sent, Instant.now());
        assertThat(info.identity().sourceIp()).isEqualTo("127.0.0.1");
        assertThat(info.identity().userAgent()).startsWith("Java-http-client");
        c.client().close(1000, "done");
    }

    @Test
    void deleteClosesTheClientsConnection() throws Exception {
        Connected c = connect();

        connections.deleteConnection(b -> b.connectionId(c.id()));

        assertThat(c.client().awaitClose().statusCode()).isEqualTo(1000);
        Await.until("the $disconnect", () -> !function.routed(c.id(), "$disconnect").isEmpty());
        JsonNode context = function.routed(c.id(), "$disconnect").getFirst().get("requestContext");
        assertThat(context.get("disconnectStatusCode").asInt()).isEqualTo(1000);
        assertThatThrownBy(() -> connections.getConnection(b -> b.connectionId(c.id())))
                .isInstanceOf(GoneException.class);
    }

    @Test
    void anUnsignedRequestIsRefusedAsMissingAuthentication() throws Exception {
        Connected c = connect();

        HttpResponse<String> response = plainHttp.send(HttpRequest.newBuilder(connectionUrl(c.id()))
                .POST(HttpRequest.BodyPublishers.ofString("sneaky")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Json.parse(response.body()).get("message").asText()).isEqualTo("Missing Authentication Token");
        assertThat(c.client().isClosed()).isFalse();
        c.client().close(1000, "done");
    }

    @Test
    void aSignatureMadeWithTheWrongSecretIsRefused() throws Exception {
        Connected c = connect();
        ApiGatewayManagementApiClient forger = client(AwsBasicCredentials.create(ACCEPTED.accessKeyId(),
                "not-the-secret"));

        assertThatThrownBy(() -> post(forger, c.id(), "forged"))
                .isInstanceOfSatisfying(ApiGatewayManagementApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    assertThat(e.getMessage()).contains("The request signature we calculated does not match");
                });
        c.client().close(1000, "done");
    }

    @Test
    void anUnknownAccessKeyIsRefused() throws Exception {
        Connected c = connect();
        ApiGatewayManagementApiClient stranger = client(AwsBasicCredentials.create("AKIDSTRANGER",
                ACCEPTED.secretAccessKey()));

        assertThatThrownBy(() -> stranger.getConnection(b -> b.connectionId(c.id())))
                .isInstanceOfSatisfying(ApiGatewayManagementApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                });
        c.client().close(1000, "done");
    }

    @Test
    void aRequestSignedForAnotherBodyIsRefused() throws Exception {
        Connected c = connect();
        SignedRequest signed = signed(SdkHttpMethod.POST, connectionUrl(c.id()).getRawPath(), "what was signed",
                ACCEPTED, Instant.now());

        HttpResponse<String> response = send(signed, "what was sent");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
        c.client().close(1000, "done");
    }

    @Test
    void aRequestSignedMoreThanFiveMinutesAgoIsRefused() throws Exception {
        Connected c = connect();
        SignedRequest stale = signed(SdkHttpMethod.POST, connectionUrl(c.id()).getRawPath(), "old news", ACCEPTED,
                Instant.now().minus(Duration.ofMinutes(6)));
        SignedRequest fresh = signed(SdkHttpMethod.POST, connectionUrl(c.id()).getRawPath(), "news", ACCEPTED,
                Instant.now().minus(Duration.ofMinutes(4)));

        HttpResponse<String> refused = send(stale);
        HttpResponse<String> accepted = send(fresh);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Json.parse(refused.body()).get("message").asText()).startsWith("Signature expired");
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(c.client().nextText()).isEqualTo("news");
        c.client().close(1000, "done");
    }

    @Test
    void aPostUpToTheMessageLimitArrivesWholeAndOneOverItIsRefused() throws Exception {
        Connected c = connect();
        String largest = "y".repeat(128 * 1024);

        assertThatThrownBy(() -> post(connections, c.id(), largest + "y"))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> assertThat(e.statusCode()).isEqualTo(413));
        // Four times the 32 KiB frame size: it goes out fragmented, and arrives as one message.
        post(connections, c.id(), largest);
        assertThat(c.client().nextText()).isEqualTo(largest);
        c.client().close(1000, "done");
    }

    static URI connectionUrl(String connectionId) {
        return URI.create(api.managementUrl() + "/@connections/"
                + SdkHttpUtils.urlEncode(connectionId));
    }

    /** A request signed as the SDK signs one, at {@code signedAt}. */
    static SignedRequest signed(SdkHttpMethod method, String rawPath, String body, AwsCredentials credentials,
            Instant signedAt) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(method)
                .uri(URI.create(api.managementUrl().resolve(rawPath).toString())).build();
        return AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
    }

    static HttpResponse<String> send(SignedRequest signed) throws Exception {
        try (var in = signed.payload().orElseThrow().newStream()) {
            return send(signed, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Sends the signed request's method, URL and headers with {@code body}, which may differ from what was signed. */
    static HttpResponse<String> send(SignedRequest signed, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.request().getUri())
                .method(signed.request().method().name(), HttpRequest.BodyPublishers.ofString(body));
        // The JDK client sets Host itself, and refuses to be given it.
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return plainHttp.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
