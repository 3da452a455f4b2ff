package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.local.Loopback;
import dev.sluice.workers.notify.ConnectionsApiException;
import dev.sluice.workers.notify.ConnectionsClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/** {@link ConnectionsClient} against a scripted endpoint: what it retries, what it does not, and what it sends. */
class ConnectionsClientRetryTest {

    record Answer(int status, String errorType, String body) {
    }

    final List<Answer> script = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger next = new AtomicInteger();
    HttpServer server;
    SdkHttpClient http;
    ConnectionsClient client;

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
        http = UrlConnectionHttpClient.create();
        client = new ConnectionsClient(URI.create("http://" + Loopback.HOST + ":" + server.getAddress().getPort() + "/prod/"),
                Region.EU_WEST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")), http);
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilOneSucceeds() throws Exception {
        script.addAll(List.of(new Answer(429, "ThrottlingException", "{\"message\":\"slow down\"}"),
                new Answer(503, null, "{\"message\":\"unavailable\"}"), new Answer(200, null, "")));

        client.post("L0SM9cOFvHcCIhw=", "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r)
                .startsWith("POST /prod/@connections/L0SM9cOFvHcCIhw%3D AWS4-HMAC-SHA256 Credential=AKID/")
                .contains("/eu-west-1/execute-api/aws4_request"));
    }

    @Test
    void afterThreeThrottledAttemptsItGivesUpNamingTheStatus() {
        script.add(new Answer(429, "ThrottlingException:http://internal.amazon.com/coral/", "{\"message\":\"slow down\"}"));

        assertThatThrownBy(() -> client.delete("abc="))
                .isInstanceOfSatisfying(ConnectionsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.errorType()).isEqualTo("ThrottlingException");
                    assertThat(e.getMessage()).contains("429").contains("slow down");
                });
        assertThat(requests).hasSize(3);
    }

    @Test
    void aForbiddenRequestIsNotRetriedAndCarriesTheBodysMessage() {
        script.add(new Answer(403, "AccessDeniedException", "{\"Message\":\"not allowed to ManageConnections\"}"));

        assertThatThrownBy(() -> client.get("abc="))
                .isInstanceOfSatisfying(ConnectionsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("not allowed to ManageConnections");
                });
        assertThat(requests).hasSize(1);
    }
}
