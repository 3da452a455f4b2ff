package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.local.Loopback;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.push.ConnectionsApi;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ForbiddenException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/**
 * The {@code @connections} client the functions build ({@link ConnectionsApi#client}: the SDK's own)
 * against a scripted endpoint: what it retries, what it does not, and what it sends.
 */
class ConnectionsApiClientTest {

    record Answer(int status, String errorType, String body) {
    }

    final List<Answer> script = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger next = new AtomicInteger();
    HttpServer server;
    ApiGatewayManagementApiClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization"));
                Answer answer = script.get(Math.min(next.getAndIncrement(), script.size() - 1));
                if (answer.errorType() != null) {
                    exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
                }
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        client = ConnectionsApi.client(new AwsClients(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKID",
                "AWS_SECRET_ACCESS_KEY", "secret", "WEBSOCKET_MANAGEMENT_URL",
                "http://" + Loopback.HOST + ":" + server.getAddress().getPort() + "/prod")));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilOneSucceeds() throws Exception {
        script.addAll(List.of(new Answer(429, "ThrottlingException", "{\"message\":\"slow down\"}"),
                new Answer(503, null, "{\"message\":\"unavailable\"}"), new Answer(200, null, "")));

        client.postToConnection(b -> b.connectionId("L0SM9cOFvHcCIhw=").data(SdkBytes.fromUtf8String("hi")));

        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r)
                .startsWith("POST /prod/@connections/L0SM9cOFvHcCIhw%3D AWS4-HMAC-SHA256 Credential=AKID/")
                .contains("/eu-west-1/execute-api/aws4_request"));
    }

    @Test
    void aThrottledRequestIsRetriedAFewTimesThenFailsNamingTheStatus() {
        script.add(new Answer(429, "ThrottlingException:http://internal.amazon.com/coral/", "{\"message\":\"slow down\"}"));

        assertThatThrownBy(() -> client.deleteConnection(b -> b.connectionId("abc=")))
                .isInstanceOfSatisfying(ApiGatewayManagementApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("slow down");
                });
        assertThat(requests).hasSizeBetween(2, 4);
    }

    @Test
    void goneIsNotRetried() {
        script.add(new Answer(410, "GoneException", "{\"message\":null}"));

        assertThatThrownBy(() -> client.postToConnection(b -> b.connectionId("abc=").data(SdkBytes.fromUtf8String("x"))))
                .isInstanceOf(GoneException.class);
        assertThat(requests).hasSize(1);
    }

    @Test
    void aForbiddenRequestIsNotRetriedAndCarriesTheBodysMessage() {
        script.add(new Answer(403, "ForbiddenException", "{\"message\":\"not allowed to ManageConnections\"}"));

        assertThatThrownBy(() -> client.getConnection(b -> b.connectionId("abc=")))
                .isInstanceOfSatisfying(ForbiddenException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("not allowed to ManageConnections");
                });
        assertThat(requests).hasSize(1);
    }
}
