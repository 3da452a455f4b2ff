package dev.sluice.local.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import dev.sluice.local.http.AwsApiException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The Bedrock control plane's batch inference on loopback, for the stock {@code BedrockClient}
 * ({@code AWS_ENDPOINT_URL_BEDROCK}): {@code POST /model-invocation-job} (CreateModelInvocationJob) and
 * {@code GET /model-invocation-job/{jobIdentifier}} (GetModelInvocationJob), rest-json. A job reads its
 * JSONL input from the local S3, answers each record through the configured {@link ChatModel} and writes
 * {@code <output>/<job id>/<input file>.out} and {@code manifest.json.out} as Bedrock does, Converse
 * records in and out. A model that refuses access or does not exist fails the whole job, as Bedrock
 * does when its service role cannot invoke the model; any other refusal is that record's {@code error}.
 * Jobs live in memory: after a restart a job is unknown (404), and the state machine sends its
 * jobs back on demand.
 */
public final class LocalBatchInference implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalBatchInference.class.getName());
    private static final String PATH = "/model-invocation-job";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final S3Client s3;
    private final ChatModel model;
    private final AwsIdentity identity;
    private final Clock clock;
    private final Map<String, BatchJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> byToken = new ConcurrentHashMap<>();

    /** One job, as GetModelInvocationJob shows it. */
    private static final class BatchJob {
        final ObjectNode request;
        final String arn;
        final Instant submitted;
        volatile String status = "Submitted";
        volatile String message;
        volatile Instant ended;

        BatchJob(ObjectNode request, String arn, Instant submitted) {
            this.request = request;
            this.arn = arn;
            this.submitted = submitted;
        }
    }

    private LocalBatchInference(S3Client s3, ChatModel model, AwsIdentity identity, Clock clock) throws IOException {
        this.s3 = s3;
        this.model = model;
        this.identity = identity;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 64);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
    }

    /** @param model what answers the records; null when none is configured: every job then fails, saying so */
    public static LocalBatchInference start(S3Client s3, ChatModel model, AwsIdentity identity, Clock clock)
            throws IOException {
        LocalBatchInference service = new LocalBatchInference(s3, model, identity, clock);
        service.server.start();
        return service;
    }

    public URI endpoint() {
        return URI.create("http://" + Loopback.HOST + ":" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                String path = exchange.getRequestURI().getRawPath();
                if ("POST".equals(exchange.getRequestMethod()) && path.equals(PATH)) {
                    respond(exchange, 200, create(Json.parse(new String(exchange.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8))));
                } else if ("GET".equals(exchange.getRequestMethod()) && path.startsWith(PATH + "/")) {
                    respond(exchange, 200, describe(URLDecoder.decode(path.substring(PATH.length() + 1),
                            StandardCharsets.UTF_8)));
                } else {
                    throw new AwsApiException(404, "UnknownOperationException", "not served here: "
                            + exchange.getRequestMethod() + " " + path);
                }
            } catch (AwsApiException e) {
                error(exchange, e.status(), e.type(), e.getMessage());
            } catch (IllegalArgumentException e) {
                error(exchange, 400, "ValidationException", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "internal error serving batch inference", e);
                error(exchange, 500, "InternalServerException", String.valueOf(e.getMessage()));
            }
        }
    }

    private JsonNode create(JsonNode request) {
        if (!request.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object");
        }
        for (String field : List.of("jobName", "roleArn", "modelId")) {
            if (!request.path(field).isTextual() || request.path(field).asText().isEmpty()) {
                throw new IllegalArgumentException("1 validation error detected: Value null at '" + field
                        + "' failed to satisfy constraint: Member must not be null");
            }
        }
        S3Uri input = S3Uri.parse(request.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText(null),
                "inputDataConfig.s3InputDataConfig.s3Uri");
        S3Uri.parse(request.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText(null),
                "outputDataConfig.s3OutputDataConfig.s3Uri");
        if (!input.key().endsWith(".jsonl")) {
            throw new IllegalArgumentException("the input must be a .jsonl file: " + input);
        }
        String token = request.path("clientRequestToken").asText(null);
        if (token != null && byToken.containsKey(token)) {
            return Json.object().put("jobArn", byToken.get(token)); // a retried create makes no second job
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        String arn = "arn:aws:bedrock:" + identity.region() + ":" + identity.accountId() + ":model-invocation-job/" + id;
        BatchJob job = new BatchJob((ObjectNode) request, arn, clock.instant());
        jobs.put(id, job);
        if (token != null) {
            byToken.put(token, arn);
        }
        executor.execute(() -> run(id, job));
        return Json.object().put("jobArn", arn);
    }

    private JsonNode describe(String identifier) {
        String id = identifier.substring(identifier.lastIndexOf('/') + 1);
        BatchJob job = jobs.get(id);
        if (job == null) {
            throw new AwsApiException(404, "ResourceNotFoundException", "The specified job " + identifier
                    + " was not found");
        }
        ObjectNode out = Json.object();
        out.put("jobArn", job.arn);
        for (String field : List.of("jobName", "modelId", "clientRequestToken", "roleArn", "modelInvocationType")) {
            if (job.request.hasNonNull(field)) {
                out.set(field, job.request.get(field));
            }
        }
        out.put("status", job.status);
        if (job.message != null) {
            out.put("message", job.message);
        }
        out.put("submitTime", job.submitted.toString());
        out.put("lastModifiedTime", (job.ended == null ? clock.instant() : job.ended).toString());
        if (job.ended != null) {
            out.put("endTime", job.ended.toString());
        }
        out.set("inputDataConfig", job.request.get("inputDataConfig"));
        out.set("outputDataConfig", job.request.get("outputDataConfig"));
        out.put("timeoutDurationInHours", job.request.path("timeoutDurationInHours").asInt(24));
        return out;
    }

    private void run(String id, BatchJob job) {
        job.status = "InProgress";
        try {
            S3Uri input = S3Uri.parse(job.request.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText(), "input");
            S3Uri output = S3Uri.parse(job.request.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText(), "output");
            String lines;
            try {
                lines = s3.getObjectAsBytes(b -> b.bucket(input.bucket()).key(input.key())).asUtf8String();
            } catch (NoSuchKeyException e) {
                finish(job, "Failed", "the input file " + input + " does not exist");
                return;
            }
            if (model == null) {
                finish(job, "Failed", "the local runtime has no chat model configured for batch inference");
                return;
            }
            StringBuilder out = new StringBuilder();
            int total = 0;
            int errors = 0;
            int inputTokens = 0;
            int outputTokens = 0;
            for (String line : lines.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                total++;
                ObjectNode record = Json.object();
                try {
                    JsonNode in = Json.parse(line);
                    record.put("recordId", in.path("recordId").asText(String.format("%011d", total)));
                    record.set("modelInput", in.get("modelInput"));
                    ChatReply reply = model.reply(request(job.request.get("modelId").asText(), in.path("modelInput")));
                    record.set("modelOutput", converseResponse(reply));
                    inputTokens += reply.usage().inputTokens();
                    outputTokens += reply.usage().outputTokens();
                } catch (ModelFailure e) {
                    if (e.kind() == ModelFailure.Kind.ACCESS_DENIED || e.kind() == ModelFailure.Kind.NOT_FOUND) {
                        finish(job, "Failed", "the model could not be invoked: " + e.getMessage());
                        return;
                    }
                    errors++;
                    record.set("error", recordError(e.kind() == ModelFailure.Kind.THROTTLED ? 429
                            : e.retryable() ? 503 : 400, e.getMessage()));
                } catch (RuntimeException e) {
                    errors++;
                    record.set("error", recordError(400, e.getMessage()));
                }
                out.append(Json.write(record)).append('\n');
            }
            String folder = output.key() + (output.key().isEmpty() || output.key().endsWith("/") ? "" : "/") + id + "/";
            String file = input.key().substring(input.key().lastIndexOf('/') + 1);
            s3.putObject(b -> b.bucket(output.bucket()).key(folder + file + ".out"),
                    RequestBody.fromString(out.toString(), StandardCharsets.UTF_8));
            ObjectNode manifest = Json.object();
            manifest.put("totalRecordCount", total);
            manifest.put("processedRecordCount", total);
            manifest.put("successRecordCount", total - errors);
            manifest.put("errorRecordCount", errors);
            manifest.put("inputTokenCount", inputTokens);
            manifest.put("outputTokenCount", outputTokens);
            s3.putObject(b -> b.bucket(output.bucket()).key(folder + "manifest.json.out"),
                    RequestBody.fromString(Json.write(manifest), StandardCharsets.UTF_8));
            finish(job, errors == 0 ? "Completed" : "PartiallyCompleted", null);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "batch inference job " + id + " failed", e);
            finish(job, "Failed", "internal error: " + e.getMessage());
        }
    }

    private void finish(BatchJob job, String status, String message) {
        job.message = message;
        job.ended = clock.instant();
        job.status = status;
    }

    /** A Converse request body as the port's request. */
    static ChatRequest request(String modelId, JsonNode converse) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : converse.path("messages")) {
            ChatMessage.Role role = ChatMessage.Role.valueOf(m.path("role").asText().toUpperCase(Locale.ROOT));
            messages.add(new ChatMessage(role, text(m.path("content"))));
        }
        String system = converse.has("system") ? text(converse.get("system")) : null;
        JsonNode config = converse.path("inferenceConfig");
        return new ChatRequest(modelId, system, messages, config.path("temperature").asDouble(0),
                config.path("maxTokens").asInt(1024), null);
    }

    private static String text(JsonNode blocks) {
        StringBuilder text = new StringBuilder();
        blocks.forEach(b -> text.append(b.path("text").asText("")));
        return text.toString();
    }

    /** The reply as Converse's response body. */
    static ObjectNode converseResponse(ChatReply reply) {
        ObjectNode body = Json.object();
        ObjectNode message = body.putObject("output").putObject("message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        content.addObject().put("text", reply.text());
        body.put("stopReason", reply.stopReason() == null ? "end_turn" : reply.stopReason());
        ObjectNode usage = body.putObject("usage");
        usage.put("inputTokens", reply.usage().inputTokens());
        usage.put("outputTokens", reply.usage().outputTokens());
        usage.put("totalTokens", reply.usage().total());
        usage.put("cacheReadInputTokens", reply.usage().cacheReadTokens());
        usage.put("cacheWriteInputTokens", reply.usage().cacheWriteTokens());
        body.putObject("metrics").put("latencyMs", reply.latencyMs());
        return body;
    }

    private static ObjectNode recordError(int code, String message) {
        ObjectNode error = Json.object();
        error.put("errorCode", code);
        error.put("errorMessage", String.valueOf(message));
        return error;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        respond(exchange, status, Json.object().put("message", message));
    }

    /** {@code s3://bucket/key}. */
    record S3Uri(String bucket, String key) {

        static S3Uri parse(String uri, String field) {
            if (uri == null || !uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
                throw new IllegalArgumentException(field + " must be an s3://bucket/key URI, not " + uri);
            }
            int slash = uri.indexOf('/', 5);
            return new S3Uri(uri.substring(5, slash), uri.substring(slash + 1));
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
