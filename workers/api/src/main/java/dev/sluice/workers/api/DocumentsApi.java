package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentFilenames;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.embed.RejectedInputException;
import dev.sluice.workers.http.Caller;
import dev.sluice.workers.tenants.ChunkingOptions;
import dev.sluice.workers.tenants.TenantSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Documents and search: {@code POST /v1/documents} hands out a presigned PUT for the caller's own
 * prefix, the document rows are read back, and {@code GET /v1/search} asks the index (BM25 and the
 * query's embedding fused, or either alone), within the caller's tenant only.
 */
final class DocumentsApi {

    static final Duration UPLOAD_URL_TTL = Duration.ofMinutes(15);
    static final int MAX_K = 50;
    static final int MAX_QUERY_CHARS = 2000;
    /** S3's longest key: no longer prefix can match one. */
    static final int MAX_PREFIX_CHARS = 1024;

    private final DocumentStore documents;
    private final TenantSettings settings;
    private final S3Presigner presigner;
    private final String bucket;
    /** The embedder's input window, known without its model or a tokenizer: chunk sizes are checked against it. */
    private final int maxInputTokens;
    private final Supplier<Embedder> embedder;
    private final Supplier<VectorIndex> index;
    private final Schemas schemas;
    private final Clock clock;

    DocumentsApi(DocumentStore documents, TenantSettings settings, S3Presigner presigner, String bucket,
            int maxInputTokens, Supplier<Embedder> embedder, Supplier<VectorIndex> index, Schemas schemas,
            Clock clock) {
        this.documents = documents;
        this.settings = settings;
        this.presigner = presigner;
        this.bucket = bucket;
        this.maxInputTokens = maxInputTokens;
        this.embedder = embedder;
        this.index = index;
        this.schemas = schemas;
        this.clock = clock;
    }

    APIGatewayProxyResponseEvent createUpload(Caller caller, byte[] body, String correlationId) {
        JsonRequest parsed = JsonRequest.parse(body, schemas, "api/create-document");
        if (!parsed.valid()) {
            return parsed.error();
        }
        JsonNode request = parsed.body();
        String filename = request.get("filename").asText();
        if (!DocumentFilenames.fits(filename)) {
            return ApiResponses.error(400, "invalid_request", "filename must be at most "
                    + DocumentFilenames.MAX_BYTES + " bytes in UTF-8", "filename");
        }
        String contentType = request.path("contentType").asText(contentTypeOf(filename));
        String key = caller.tenantId() + "/uploads/" + UuidCreator.getTimeOrderedEpoch() + "/" + filename;
        String documentId = DocumentIds.of(bucket, key);
        long now = clock.millis();
        documents.awaitUpload(caller.tenantId(), documentId, caller.userId(), bucket, key, filename, correlationId,
                now);
        PresignedPutObjectRequest presigned = presigner.presignPutObject(p -> p.signatureDuration(UPLOAD_URL_TTL)
                .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(contentType)));
        ObjectNode response = Json.object();
        response.put("documentId", documentId);
        response.put("key", key);
        response.put("uploadUrl", presigned.url().toString());
        response.put("method", "PUT");
        response.putObject("headers").put("Content-Type", contentType);
        response.put("expiresAt", presigned.expiration().toString());
        response.putObject("links").put("self", "/v1/documents/" + documentId);
        return ApiResponses.json(201, response);
    }

    APIGatewayProxyResponseEvent get(Caller caller, String documentId) {
        if (!DocumentIds.isWellFormed(documentId)) {
            // Not even shaped like an id (and maybe past DynamoDB's key size): no document has it.
            return ApiResponses.error(404, "not_found", "no document " + abbreviated(documentId), "id");
        }
        return documents.get(caller.tenantId(), documentId)
                .map(d -> ApiResponses.json(200, view(d)))
                .orElseGet(() -> ApiResponses.error(404, "not_found", "no document " + documentId, "id"));
    }

    APIGatewayProxyResponseEvent list(Caller caller, Map<String, String> query) {
        int limit = QueryParameters.integer(query, "limit", 20);
        if (limit < 1 || limit > 100) {
            return ApiResponses.error(400, "invalid_parameter", "limit must be an integer from 1 to 100", "limit");
        }
        DocumentStore.Page page;
        try {
            page = documents.list(caller.tenantId(), limit, query.get("cursor"));
        } catch (IllegalArgumentException e) {
            return ApiResponses.error(400, "invalid_parameter", "cursor is not one this API gave", "cursor");
        }
        ObjectNode response = Json.object();
        ArrayNode items = response.putArray("documents");
        page.documents().forEach(d -> items.add(view(d)));
        if (page.next() != null) {
            response.put("nextCursor", page.next());
        }
        return ApiResponses.json(200, response);
    }

    APIGatewayProxyResponseEvent search(Caller caller, Map<String, String> query) {
        String q = query.getOrDefault("q", "").strip();
        if (q.isEmpty()) {
            return ApiResponses.error(400, "invalid_parameter", "q is required: the text to search for", "q");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            return ApiResponses.error(400, "invalid_parameter", "q is " + q.length() + " characters; at most "
                    + MAX_QUERY_CHARS, "q");
        }
        int k = QueryParameters.integer(query, "k", 5);
        if (k < 1 || k > MAX_K) {
            return ApiResponses.error(400, "invalid_parameter", "k must be an integer from 1 to " + MAX_K, "k");
        }
        SearchQuery.Mode mode = choice(query, "mode", SearchQuery.Mode.class, SearchQuery.Mode.HYBRID);
        if (mode == null) {
            return ApiResponses.error(400, "invalid_parameter", "mode must be one of " + names(SearchQuery.Mode.class),
                    "mode");
        }
        SearchQuery.Group group = choice(query, "group", SearchQuery.Group.class, SearchQuery.Group.CHUNK);
        if (group == null) {
            return ApiResponses.error(400, "invalid_parameter", "group must be one of "
                    + names(SearchQuery.Group.class), "group");
        }
        String documentId = query.get("documentId");
        if (documentId != null && !DocumentIds.isWellFormed(documentId)) {
            return ApiResponses.error(400, "invalid_parameter", "documentId is not a document id: "
                    + abbreviated(documentId), "documentId");
        }
        String prefix = query.get("prefix");
        if (prefix != null && (prefix.isEmpty() || prefix.length() > MAX_PREFIX_CHARS)) {
            return ApiResponses.error(400, "invalid_parameter", "prefix must be 1 to " + MAX_PREFIX_CHARS
                    + " characters of an object key", "prefix");
        }
        String type = query.get("type");
        if (type != null && DocumentType.withId(type).isEmpty()) {
            return ApiResponses.error(400, "invalid_parameter", "type must be one of " + Arrays.stream(
                    DocumentType.values()).map(DocumentType::id).collect(Collectors.joining(", ")), "type");
        }
        float[] vector = null;
        if (mode != SearchQuery.Mode.LEXICAL) {
            try {
                // The embedder refuses a query over its window or with nothing to read before any model runs.
                vector = embedder.get().embedQuery(q);
            } catch (RejectedInputException e) {
                return e.tokens() == 0
                        ? ApiResponses.error(400, "invalid_parameter", "q has nothing to search for: no word, number"
                                + " or symbol the model reads", "q")
                        : ApiResponses.error(400, "invalid_parameter", "q is " + e.tokens() + " tokens; the model"
                                + " takes at most " + e.maxTokens() + " (mode=lexical takes any q)", "q");
            }
        }
        SearchQuery search = new SearchQuery(caller.tenantId(), q, vector, k, mode,
                new SearchFilters(documentId, prefix, type), group);
        ObjectNode response = Json.object();
        response.put("query", q);
        response.put("k", k);
        response.put("mode", mode.name().toLowerCase(Locale.ROOT));
        response.put("group", group.name().toLowerCase(Locale.ROOT));
        ArrayNode results = response.putArray("results");
        for (SearchHit hit : index.get().search(search)) {
            ObjectNode r = results.addObject();
            r.put("documentId", hit.documentId());
            r.put("key", hit.key());
            r.put("ordinal", hit.ordinal());
            r.put("score", hit.score());
            if (hit.page() != null) {
                r.put("page", hit.page());
            }
            hit.headingPath().forEach(r.putArray("headingPath")::add);
            r.put("text", hit.text());
        }
        return ApiResponses.json(200, response);
    }

    /** The constant a parameter names in lower case, {@code fallback} when absent, null when it names none. */
    private static <E extends Enum<E>> E choice(Map<String, String> query, String name, Class<E> type, E fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.name().toLowerCase(Locale.ROOT).equals(value))
                .findFirst().orElse(null);
    }

    private static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    APIGatewayProxyResponseEvent chunking(Caller caller) {
        return ApiResponses.json(200, chunkingView(settings.chunking(caller.tenantId())));
    }

    APIGatewayProxyResponseEvent setChunking(Caller caller, byte[] body) {
        JsonRequest parsed = JsonRequest.parse(body, schemas, "api/chunking-settings");
        if (!parsed.valid()) {
            return parsed.error();
        }
        JsonNode request = parsed.body();
        ChunkingOptions defaults = ChunkingOptions.DEFAULTS;
        int maxTokens = request.path("maxTokens").asInt(defaults.maxTokens());
        int overlap = request.path("overlapTokens").asInt(request.has("maxTokens") ? maxTokens * 15 / 100
                : defaults.overlapTokens());
        int most = maxInputTokens;
        if (maxTokens > most) {
            return ApiResponses.error(400, "invalid_request", "maxTokens is " + maxTokens + "; the embedding model"
                    + " takes at most " + most, "maxTokens");
        }
        if (overlap >= maxTokens) {
            return ApiResponses.error(400, "invalid_request", "overlapTokens must be less than maxTokens",
                    "overlapTokens");
        }
        ChunkingOptions options = new ChunkingOptions(ChunkingOptions.Strategy.valueOf(
                request.get("strategy").asText().toUpperCase(Locale.ROOT)), maxTokens, overlap);
        settings.setChunking(caller.tenantId(), options);
        return ApiResponses.json(200, chunkingView(options));
    }

    private static ObjectNode chunkingView(ChunkingOptions options) {
        ObjectNode view = Json.object();
        view.put("strategy", options.strategy().name().toLowerCase(Locale.ROOT));
        view.put("maxTokens", options.maxTokens());
        view.put("overlapTokens", options.overlapTokens());
        return view;
    }

    static ObjectNode view(Document d) {
        ObjectNode view = Json.object();
        view.put("documentId", d.documentId());
        view.put("key", d.key());
        view.put("filename", d.filename());
        view.put("status", d.status().name());
        if (d.version() != null) {
            view.put("version", d.version());
        }
        if (d.type() != null) {
            view.put("type", d.type());
        }
        if (d.size() != null) {
            view.put("size", d.size());
        }
        if (d.chunks() != null) {
            view.put("chunks", d.chunks());
        }
        if (d.errorCode() != null) {
            ObjectNode error = view.putObject("error");
            error.put("code", d.errorCode());
            error.put("message", d.errorMessage());
        }
        view.put("createdAt", Instant.ofEpochMilli(d.createdAt()).toString());
        view.put("updatedAt", Instant.ofEpochMilli(d.updatedAt()).toString());
        view.putObject("links").put("self", "/v1/documents/" + d.documentId());
        return view;
    }

    private static String abbreviated(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "... (" + text.length() + " characters)";
    }

    private static String contentTypeOf(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (lower.endsWith(".html") || lower.endsWith(".htm")) {
            return "text/html";
        }
        return lower.endsWith(".md") || lower.endsWith(".markdown") ? "text/markdown" : "text/plain";
    }
}
