package dev.sluice.workers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.json.Json;
import dev.sluice.core.mail.EmailMessage;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

class SesMailerTest {

    private static final EmailMessage MESSAGE = new EmailMessage("Sluice <noreply@sluice.dev>",
            List.of("ada@example.com", "bob@example.com"), "Ihr Bericht – 2 Jobs", "2 jobs finished\n",
            "<p>2 jobs finished</p>\n", "job-42@sluice");

    private final List<Request> requests = new ArrayList<>();
    private HttpServer server;
    private Response response;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
            }
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(response.status(), out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void sendsTheMimeBytesAsRawContent() throws Exception {
        response = new Response(200, Map.of(), "{\"MessageId\":\"0100018f-ses-id\"}");

        String id = new SesMailer(client(server.getAddress().getPort())).send(MESSAGE);

        assertThat(id).isEqualTo("0100018f-ses-id");
        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v2/email/outbound-emails");
        assertThat(request.authorization()).matches("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/us-east-1/ses/"
                + "aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}");

        JsonNode body = Json.parse(new String(request.body(), StandardCharsets.UTF_8));
        assertThat(body.path("FromEmailAddress").asText()).isEqualTo("Sluice <noreply@sluice.dev>");
        assertThat(body.path("Destination").path("ToAddresses").toString())
                .isEqualTo("[\"ada@example.com\",\"bob@example.com\"]");
        assertThat(body.path("Content").has("Simple")).isFalse();
        byte[] raw = Base64.getDecoder().decode(body.path("Content").path("Raw").path("Data").asText());
        // The Date header is the one thing the mailer picks at send time; all else must match byte for byte.
        MimeMessage sent = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        assertThat(raw).isEqualTo(MimeMessages.toBytes(MESSAGE, sent.getSentDate().toInstant()));
        assertThat(sent.getMessageID()).isEqualTo("<job-42@sluice>");
    }

    @ParameterizedTest
    @CsvSource({
            "400, MessageRejected,                    MessageRejectedException,           mail_rejected,        false",
            "400, MailFromDomainNotVerifiedException, MailFromDomainNotVerifiedException, mail_rejected,        false",
            "400, AccountSuspendedException,          AccountSuspendedException,          mail_rejected,        false",
            "400, BadRequestException,                BadRequestException,                mail_rejected,        false",
            "404, NotFoundException,                  NotFoundException,                  mail_rejected,        false",
            "429, TooManyRequestsException,           TooManyRequestsException,           mail_throttled,       true",
            "400, LimitExceededException,             LimitExceededException,             mail_throttled,       true",
            "400, SendingPausedException,             SendingPausedException,             mail_throttled,       true",
            "500, InternalServiceErrorException,      InternalServiceErrorException,      send_outcome_unknown, false",
            "503, ServiceUnavailable,                 SesV2Exception,                     send_outcome_unknown, false",
    })
    void classifiesRefusalsWithOneAttemptOnly(int status, String errorType, String exception, String code,
            boolean retryable) {
        response = new Response(status, Map.of("x-amzn-ErrorType", errorType), "{\"message\":\"refused for a test\"}");
        SesMailer mailer = SesMailer.fromEnvironment(environment(server.getAddress().getPort()));

        assertThatThrownBy(() -> mailer.send(MESSAGE))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.retryable()).isEqualTo(retryable);
                    assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(exception);
                })
                .hasMessageContaining("job-42@sluice")
                .hasMessageContaining("refused for a test");
        // The client the worker builds never sends a message twice on its own: SES may have taken the first.
        assertThat(requests).hasSize(1);
    }

    @Test
    void noAnswerInTimeIsAnUnknownOutcomeNotARetry() throws IOException {
        // A server that reads the request and never answers: SES may have sent the message.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var socket = silent.accept()) {
                    socket.getInputStream().read(new byte[65536]);
                    Thread.sleep(10_000);
                } catch (Exception ignored) {
                    // the test is over
                }
            });
            SesMailer mailer = new SesMailer(SesV2Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "s")))
                    .httpClient(UrlConnectionHttpClient.builder().socketTimeout(java.time.Duration.ofMillis(500)).build())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build());

            assertThatThrownBy(() -> mailer.send(MESSAGE))
                    .isInstanceOfSatisfying(PortFailure.class, e -> {
                        assertThat(e.code()).isEqualTo(SesMailer.OUTCOME_UNKNOWN);
                        assertThat(e.retryable()).isFalse();
                    });
            reader.interrupt();
        }
    }

    @Test
    void anUnreachableSesIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> SesMailer.fromEnvironment(environment(closedPort)).send(MESSAGE))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.code()).isEqualTo("mail_unreachable");
                })
                .hasMessageContaining("could not reach SES");
    }

    @Test
    void aBadAddressIsPermanentAndNeverReachesSes() {
        response = new Response(200, Map.of(), "{\"MessageId\":\"unused\"}");
        EmailMessage bad = new EmailMessage("noreply@sluice.dev", List.of("ada@@example.com"), "Hi", "Hi", null,
                "job-1@sluice");

        assertThatThrownBy(() -> new SesMailer(client(server.getAddress().getPort())).send(bad))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse());
        assertThat(requests).isEmpty();
    }

    /** What the worker's environment would say, pointing SES at the test's server. */
    private static AwsClients environment(int port) {
        return new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:" + port));
    }

    private static SesV2Client client(int port) {
        return SesV2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private record Request(String method, String path, String authorization, byte[] body) {
    }

    private record Response(int status, Map<String, String> headers, String body) {
    }
}
