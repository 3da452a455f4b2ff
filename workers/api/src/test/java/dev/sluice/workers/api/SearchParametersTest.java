package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.KeyRole;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.http.Caller;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/search}'s parameters: each bad value is refused with a 400 naming it before anything
 * is embedded or searched, and good ones reach the index as the query they say. The index and the
 * embedder here only record what they are asked (the flow through the real ones is DocumentFlowTest's).
 */
class SearchParametersTest {

    private static final Caller CALLER = new Caller("acme", "ada", "key-1", KeyRole.TENANT);

    private final List<String> embedded = new ArrayList<>();
    private final List<SearchQuery> asked = new ArrayList<>();
    private final DocumentsApi api = new DocumentsApi(null, null, null, "documents", 510, () -> new RecordingEmbedder(),
            () -> new RecordingIndex(), null, Clock.systemUTC());

    @Test
    void eachBadParameterIsA400NamingIt() {
        assertBadParameter(Map.of("q", "x", "mode", "semantic"), "mode", "hybrid, vector, lexical");
        assertBadParameter(Map.of("q", "x", "mode", "HYBRID"), "mode", "hybrid, vector, lexical");
        assertBadParameter(Map.of("q", "x", "mode", ""), "mode", "hybrid, vector, lexical");
        assertBadParameter(Map.of("q", "x", "group", "page"), "group", "chunk, document");
        assertBadParameter(Map.of("q", "x", "type", "docx"), "type", "text, markdown, html, pdf");
        assertBadParameter(Map.of("q", "x", "type", "md"), "type", "text, markdown, html, pdf");
        assertBadParameter(Map.of("q", "x", "documentId", "not an id"), "documentId", "not a document id");
        assertBadParameter(Map.of("q", "x", "prefix", ""), "prefix", "1 to 1024");
        assertBadParameter(Map.of("q", "x", "prefix", "p".repeat(1025)), "prefix", "1 to 1024");
        assertBadParameter(Map.of("q", "x", "k", "51"), "k", "1 to 50");
        assertBadParameter(Map.of("mode", "lexical"), "q", "required");
        assertThat(embedded).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void theDefaultsAreHybridChunkByChunkUnfilteredWithTheQueryEmbeddedAsAQuery() {
        JsonNode body = ok(Map.of("q", "descaling a kettle"));

        assertThat(body.get("mode").asText()).isEqualTo("hybrid");
        assertThat(body.get("group").asText()).isEqualTo("chunk");
        assertThat(embedded).containsExactly("query: descaling a kettle");
        SearchQuery query = asked.getFirst();
        assertThat(query.tenantId()).isEqualTo("acme");
        assertThat(query.text()).isEqualTo("descaling a kettle");
        assertThat(query.vector()).containsExactly(1, 0);
        assertThat(query.k()).isEqualTo(5);
        assertThat(query.mode()).isEqualTo(SearchQuery.Mode.HYBRID);
        assertThat(query.group()).isEqualTo(SearchQuery.Group.CHUNK);
        assertThat(query.filters()).isEqualTo(SearchFilters.NONE);
    }

    @Test
    void everyParameterReachesTheIndexAndLexicalSearchEmbedsNothing() {
        String documentId = DocumentIds.of("documents", "acme/uploads/x/kettle.md");
        JsonNode body = ok(Map.of("q", "descaling", "k", "7", "mode", "lexical", "group", "document",
                "documentId", documentId, "prefix", "acme/uploads/", "type", "markdown"));

        assertThat(body.get("mode").asText()).isEqualTo("lexical");
        assertThat(body.get("group").asText()).isEqualTo("document");
        assertThat(embedded).isEmpty();
        SearchQuery query = asked.getFirst();
        assertThat(query.vector()).isNull();
        assertThat(query.k()).isEqualTo(7);
        assertThat(query.mode()).isEqualTo(SearchQuery.Mode.LEXICAL);
        assertThat(query.group()).isEqualTo(SearchQuery.Group.DOCUMENT);
        assertThat(query.filters()).isEqualTo(new SearchFilters(documentId, "acme/uploads/", "markdown"));

        ok(Map.of("q", "descaling", "mode", "vector"));
        assertThat(asked.getLast().mode()).isEqualTo(SearchQuery.Mode.VECTOR);
        assertThat(embedded).containsExactly("query: descaling");
    }

    private void assertBadParameter(Map<String, String> query, String field, String says) {
        APIGatewayProxyResponseEvent response = api.search(CALLER, query);
        assertThat(response.getStatusCode()).as(query.toString()).isEqualTo(400);
        JsonNode error = Json.parse(response.getBody()).get("error");
        assertThat(error.get("field").asText()).as(query.toString()).isEqualTo(field);
        assertThat(error.get("message").asText()).as(query.toString()).contains(says);
    }

    private JsonNode ok(Map<String, String> query) {
        APIGatewayProxyResponseEvent response = api.search(CALLER, new HashMap<>(query));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return Json.parse(response.getBody());
    }

    private final class RecordingEmbedder implements Embedder {
        @Override
        public String modelId() {
            return "recording";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public int maxInputTokens() {
            return 510;
        }

        @Override
        public Tokenizer tokenizer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            throw new AssertionError("a query is embedded with embedQuery, not as a passage");
        }

        @Override
        public float[] embedQuery(String query) {
            embedded.add("query: " + query);
            return new float[] {1, 0};
        }
    }

    private final class RecordingIndex implements VectorIndex {
        @Override
        public List<SearchHit> search(SearchQuery query) {
            asked.add(query);
            return List.of(new SearchHit("d", "acme/uploads/x/kettle.md", 0, "Descale it.", 0.5, null, List.of()));
        }

        @Override
        public void upsert(List<IndexedChunk> chunks) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteDocument(String tenantId, String documentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteOtherVersions(String tenantId, String documentId, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
