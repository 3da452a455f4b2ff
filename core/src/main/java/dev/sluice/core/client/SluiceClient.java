package dev.sluice.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small client of the Sluice API, for the CLI and benchmarks: JSON over HTTP, results over the WebSocket. */
public final class SluiceClient implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String apiKey;

    public SluiceClient(URI api, String apiKey) {
        this.api = api;
        this.apiKey = apiKey;
    }

    /** {@code POST /v1/jobs} with {@code body} (JSON text) and, when not null, an Idempotency-Key. */
    public ApiResponse submit(String body, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = request("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    /** A POST of a JSON body to {@code path}, {@code /v1/documents} say. */
    public ApiResponse post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A PUT of a JSON body to {@code path}. */
    public ApiResponse put(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A GET of {@code pathAndQuery}, {@code /v1/jobs/ID} say. */
    public ApiResponse get(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery).GET().build());
    }

    /** Opens a WebSocket to {@code webSocket} authorized with this client's key. */
    public PushStream connect(URI webSocket) {
        URI withKey = URI.create(webSocket + "?apiKey=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
        return PushStream.open(http, withKey);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(api.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30));
        return apiKey == null ? builder : builder.header("x-api-key", apiKey);
    }

    private ApiResponse send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = response.body().isEmpty() ? null : Json.parse(response.body());
        } catch (RuntimeException notJson) {
            body = null;
        }
        return new ApiResponse(response.statusCode(), body, response.headers());
    }

    @Override
    public void close() {
        http.close();
    }
}
