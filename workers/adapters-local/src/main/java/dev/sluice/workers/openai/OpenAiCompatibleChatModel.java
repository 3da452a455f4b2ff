package dev.sluice.workers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.ModelFailure.Kind;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A user's own model server that speaks the OpenAI chat completions API (vLLM, llama.cpp's server,
 * Ollama, LM Studio...): {@code POST {baseUrl}/v1/chat/completions}, whole or streamed as server-sent
 * events with {@code stream_options.include_usage}, so a streamed answer is accounted for too.
 *
 * <p>Replies name the model the server says answered, and are written as Bedrock writes them (stop
 * reasons {@code end_turn}, {@code max_tokens}; input tokens without the cached ones) so the gateway
 * reads every provider alike. Failures: 429 (with Retry-After), 408, 5xx, timeouts and an unreachable
 * server are retryable; any other 4xx is not; a failure once the stream began is a broken stream.
 */
public final class OpenAiCompatibleChatModel implements ChatModel {

    public static final String PROVIDER = "openai-compatible";
    private static final String DONE = "[DONE]";

    private final URI completions;
    private final HttpClient http;
    private final Duration timeout;
    private final String model;

    /**
     * @param timeout for the whole answer, or until the stream's headers when streaming
     * @param model what the server is asked for whatever a route names (the gateway's routes name Bedrock
     *     ids or the {@code openai} route set's placeholder, which mean nothing to a user's server); null: the
     *     request's model id
     */
    public OpenAiCompatibleChatModel(URI baseUrl, HttpClient http, Duration timeout, String model) {
        String base = baseUrl.toString();
        this.completions = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/v1/chat/completions");
        this.http = http;
        this.timeout = timeout;
        this.model = model;
    }

    public static OpenAiCompatibleChatModel create(URI baseUrl, String model) {
        // HTTP/1.1: a local server need not understand an h2c upgrade.
        return new OpenAiCompatibleChatModel(baseUrl, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(), Duration.ofSeconds(120), model);
    }

    @Override
    public ChatReply reply(ChatRequest request) {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = send(request, false);
        JsonNode body;
        try (InputStream in = response.body()) {
            body = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelFailure(Kind.UNAVAILABLE, request.modelId() + ": the answer broke off: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelFailure(Kind.UNAVAILABLE, request.modelId() + ": the answer is not JSON: " + e.getMessage(), e);
        }
        JsonNode choice = body.path("choices").path(0);
        return new ChatReply(choice.path("message").path("content").asText(""), PROVIDER,
                body.path("model").asText(request.modelId()), true, usage(body.path("usage")),
                stopReason(choice.path("finish_reason").asText(null)), null, elapsedMs(started));
    }

    @Override
    public ChatReply stream(ChatRequest request, DeltaSink deltas) {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = send(request, true);
        StringBuilder text = new StringBuilder();
        String model = null;
        String finish = null;
        TokenUsage usage = null;
        boolean done = false;
        try (InputStream in = response.body();
                Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(in,
                        StandardCharsets.UTF_8)).lines()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.startsWith("data:")) {
                    continue; // blank separators, comments (": keep-alive"), event names
                }
                String data = line.substring(5).strip();
                if (data.equals(DONE)) {
                    done = true;
                    break;
                }
                JsonNode chunk = Json.parse(data);
                if (chunk.has("error")) {
                    throw new ModelFailure(Kind.STREAM_BROKEN, request.modelId() + ": stream broken: "
                            + chunk.path("error").path("message").asText(chunk.path("error").toString()), null);
                }
                model = chunk.path("model").asText(model);
                JsonNode choice = chunk.path("choices").path(0);
                String piece = choice.path("delta").path("content").asText("");
                if (!piece.isEmpty()) {
                    text.append(piece);
                    deltas.accept(piece);
                }
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asText();
                }
                if (chunk.hasNonNull("usage")) {
                    usage = usage(chunk.get("usage"));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ModelFailure(Kind.STREAM_BROKEN, request.modelId() + ": stream broken: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelFailure(Kind.STREAM_BROKEN, request.modelId() + ": stream broken: " + e.getMessage(), e);
        }
        if (!done) {
            throw new ModelFailure(Kind.STREAM_BROKEN, request.modelId() + ": stream broken: it ended without "
                    + DONE, null);
        }
        return new ChatReply(text.toString(), PROVIDER, model != null ? model : request.modelId(), true,
                usage != null ? usage : TokenUsage.NONE, stopReason(finish), null, elapsedMs(started));
    }

    private HttpResponse<InputStream> send(ChatRequest request, boolean stream) {
        HttpRequest post = HttpRequest.newBuilder(completions)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body(request, stream))))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ModelFailure(Kind.TIMEOUT, request.modelId() + ": no answer from " + completions + " in "
                    + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new ModelFailure(Kind.UNAVAILABLE, request.modelId() + ": cannot reach " + completions, e);
        } catch (IOException e) {
            throw new ModelFailure(Kind.UNAVAILABLE, request.modelId() + ": " + completions + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFailure(Kind.UNAVAILABLE, "interrupted while calling " + completions, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = errorMessage(response);
            Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(OpenAiCompatibleChatModel::seconds)
                    .orElse(null);
            throw new ModelFailure(kind(status), request.modelId() + ": " + status + " from " + completions
                    + (message.isEmpty() ? "" : ": " + message), retryAfter, null);
        }
        return response;
    }

    ObjectNode body(ChatRequest request, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", model != null ? model : request.modelId());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role().wire()).put("content", m.text());
        }
        body.put("temperature", request.temperature());
        body.put("max_tokens", request.maxTokens());
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    static Kind kind(int status) {
        return switch (status) {
            case 401, 403 -> Kind.ACCESS_DENIED;
            case 404 -> Kind.NOT_FOUND;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.THROTTLED;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.INVALID_REQUEST;
        };
    }

    /** OpenAI's prompt tokens include the cached ones; Bedrock's (and the price table's) input does not. */
    private static TokenUsage usage(JsonNode usage) {
        if (usage == null || usage.isMissingNode() || usage.isNull()) {
            return TokenUsage.NONE;
        }
        int cached = usage.path("prompt_tokens_details").path("cached_tokens").asInt(0);
        return new TokenUsage(Math.max(0, usage.path("prompt_tokens").asInt(0) - cached),
                usage.path("completion_tokens").asInt(0), cached, 0);
    }

    private static String stopReason(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "stop" -> "end_turn";
            case "length" -> "max_tokens";
            case "content_filter" -> "content_filtered";
            case "tool_calls" -> "tool_use";
            default -> finishReason;
        };
    }

    private static String errorMessage(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            String raw = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            try {
                JsonNode error = Json.parse(raw).path("error");
                return error.isObject() ? error.path("message").asText("") : error.asText(raw);
            } catch (IllegalArgumentException notJson) {
                return raw.strip();
            }
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
