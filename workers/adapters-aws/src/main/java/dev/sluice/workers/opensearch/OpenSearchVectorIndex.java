package dev.sluice.workers.opensearch;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.search.ChunkFields;
import dev.sluice.workers.search.SearchResults;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.indices.CreateIndexRequest;
import org.opensearch.client.opensearch.indices.GetMappingResponse;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * The AWS {@link VectorIndex}: an OpenSearch k-NN index (Serverless collection, managed domain or a
 * local node) with the {@code lucene} engine, whose filtered search applies the tenant filter during
 * the graph walk instead of after it, and whose cosine score is {@code (1 + cos) / 2} as Lucene's is.
 *
 * <p>A hybrid search sends two queries, k-NN and BM25 (a {@code match} on the text and the title,
 * both {@code standard}-analyzed as the local index's), and fuses them in Java with the local index's
 * {@link SearchResults}: OpenSearch's own {@code hybrid} query needs the neural-search plugin and a
 * search pipeline, which neither the test node nor every Serverless collection has. An index created
 * before hybrid search already has its text mapped so, and maps {@code title} and {@code type}
 * dynamically on their first write (text with a keyword sub-field), which the queries here still read.
 */
public final class OpenSearchVectorIndex implements VectorIndex {

    /** Chunks per bulk request: 250 chunks of 1024 floats stay well under a 10 MB request limit. */
    static final int BULK_SIZE = 250;

    /** Ids found and deleted per round. */
    static final int DELETE_PAGE = 1000;

    private static final String VECTOR = "vector";
    /** The title field's weight beside the text's 1, as the local index's default (BENCHMARKS.md). */
    private static final float TITLE_BOOST = 0.5f;
    /** What the transports use too (OpenSearchIndexProvider): record components by name. */
    private static final JsonpMapper MAPPER = new JacksonJsonpMapper();

    private static final List<String> HIT_FIELDS =
            List.of("documentId", "key", "ordinal", "text", "page", "headingPath");

    /** The indexed JSON; field names are the component names. */
    private record ChunkSource(String tenantId, String documentId, String version, String key, int ordinal,
            int start, int end, Integer page, List<String> headingPath, String text, String title, String type,
            float[] vector) {

        static ChunkSource of(IndexedChunk c) {
            return new ChunkSource(c.tenantId(), c.documentId(), c.version(), c.key(), c.ordinal(), c.start(),
                    c.end(), c.page(), c.headingPath(), c.text(), ChunkFields.title(c), ChunkFields.type(c),
                    c.vector());
        }
    }

    /** What a search reads back: {@link #HIT_FIELDS}. */
    private record HitSource(String documentId, String key, int ordinal, String text, Integer page,
            List<String> headingPath) {
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final String index;
    private final int dimensions;

    private OpenSearchVectorIndex(OpenSearchTransport transport, String index, int dimensions) {
        this.transport = transport;
        this.client = new OpenSearchClient(transport);
        this.index = index;
        this.dimensions = dimensions;
    }

    /** Uses {@code index} through {@code transport} (closed with this), creating it if missing. */
    public static OpenSearchVectorIndex open(OpenSearchTransport transport, String index, int dimensions) {
        OpenSearchVectorIndex opened = new OpenSearchVectorIndex(transport, index, dimensions);
        try {
            createIfMissing(transport, index, dimensions);
        } catch (RuntimeException e) {
            try {
                opened.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return opened;
    }

    /**
     * The body of the request that creates the index (settings with k-NN on, and the mappings), as
     * JSON: the one source of the index's shape, for this adapter, which creates its index with it,
     * and for the stack, which hands it to its custom resource ({@code Index}) to create the same.
     */
    public static String indexBody(int dimensions) {
        // The index name travels in the path, never in the body.
        CreateIndexRequest request = createRequest("-", dimensions);
        StringWriter json = new StringWriter();
        try (JsonGenerator generator = MAPPER.jsonProvider().createGenerator(json)) {
            request.serialize(generator, MAPPER);
        }
        return json.toString();
    }

    /**
     * Creates {@code index} with {@link #indexBody} unless it exists. An existing index must hold
     * {@code dimensions}-dimensional vectors: a mapping cannot change, so vectors of another dimension
     * need an index of their own ({@link IndexDimensionMismatchException}).
     */
    public static void createIfMissing(OpenSearchTransport transport, String index, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        OpenSearchClient client = new OpenSearchClient(transport);
        call("check index " + index, () -> {
            Integer existing = existingDimensions(client, index);
            if (existing == null) {
                try {
                    client.indices().create(createRequest(index, dimensions));
                    return null;
                } catch (OpenSearchException e) {
                    // Another handler created it first: it must still be what this one wants.
                    if (!"resource_already_exists_exception".equals(e.error().type())) {
                        throw e;
                    }
                    existing = existingDimensions(client, index);
                }
            }
            if (existing != dimensions) {
                throw new IndexDimensionMismatchException(index, existing, dimensions);
            }
            return null;
        });
    }

    /** The dimension of the index's vectors, or null when there is no such index. */
    private static Integer existingDimensions(OpenSearchClient client, String index) throws IOException {
        GetMappingResponse response;
        try {
            response = client.indices().getMapping(m -> m.index(index));
        } catch (OpenSearchException e) {
            if ("index_not_found_exception".equals(e.error().type())) {
                return null;
            }
            throw e;
        }
        // Keyed by the concrete index, which differs from the name asked for when that is an alias.
        TypeMapping mappings = response.result().values().iterator().next().mappings();
        Property vector = mappings.properties().get(VECTOR);
        if (vector == null || !vector.isKnnVector()) {
            throw new IllegalStateException("index " + index + " exists, but its field " + VECTOR
                    + " is not a knn_vector: it holds something else; choose another index name");
        }
        return vector.knnVector().dimension();
    }

    private static CreateIndexRequest createRequest(String index, int dimensions) {
        return CreateIndexRequest.of(c -> c.index(index).settings(s -> s.knn(true)).mappings(mapping(dimensions)));
    }

    private static TypeMapping mapping(int dimensions) {
        return TypeMapping.of(m -> m
                .properties("tenantId", p -> p.keyword(k -> k))
                .properties("documentId", p -> p.keyword(k -> k))
                .properties("version", p -> p.keyword(k -> k))
                .properties("key", p -> p.keyword(k -> k))
                .properties("ordinal", p -> p.integer(i -> i))
                .properties("start", p -> p.integer(i -> i))
                .properties("end", p -> p.integer(i -> i))
                .properties("page", p -> p.integer(i -> i))
                .properties("headingPath", p -> p.keyword(k -> k))
                // The standard analyzer, as the local index's: what known-item search measured best.
                .properties("text", p -> p.text(t -> t))
                .properties("title", p -> p.text(t -> t))
                .properties("type", p -> p.keyword(k -> k))
                // m=16, ef_construction=100 by default: the same graph as the Lucene index builds.
                .properties(VECTOR, p -> p.knnVector(v -> v.dimension(dimensions)
                        .method(method -> method.name("hnsw").engine("lucene").spaceType("cosinesimil")))));
    }

    @Override
    public void upsert(List<IndexedChunk> chunks) {
        for (IndexedChunk chunk : chunks) {
            checkDimensions(chunk.vector());
        }
        for (int from = 0; from < chunks.size(); from += BULK_SIZE) {
            List<IndexedChunk> batch = chunks.subList(from, Math.min(chunks.size(), from + BULK_SIZE));
            BulkRequest.Builder bulk = new BulkRequest.Builder().index(index).refresh(Refresh.WaitFor);
            for (IndexedChunk chunk : batch) {
                bulk.operations(op -> op.index(i -> i.id(chunk.id()).document(ChunkSource.of(chunk))));
            }
            BulkRequest request = bulk.build();
            BulkResponse response = call("bulk index into " + index, () -> client.bulk(request));
            if (response.errors()) {
                throw bulkFailure(response);
            }
        }
    }

    private RuntimeException bulkFailure(BulkResponse response) {
        BulkResponseItem failed = response.items().stream().filter(item -> item.error() != null)
                .filter(item -> retryable(item.status())).findFirst()
                .orElseGet(() -> response.items().stream().filter(item -> item.error() != null).findFirst()
                        .orElseThrow());
        String message = "bulk index into " + index + " failed for " + failed.id() + ": " + failed.status()
                + " " + failed.error().type() + " " + failed.error().reason();
        return retryable(failed.status())
                ? PortFailure.retryable(VectorIndex.UNAVAILABLE, message, null)
                : new IllegalStateException(message);
    }

    @Override
    public void deleteDocument(String tenantId, String documentId) {
        deleteWhere(documentQuery(tenantId, documentId, null));
    }

    @Override
    public void deleteOtherVersions(String tenantId, String documentId, String version) {
        deleteWhere(documentQuery(tenantId, documentId, version));
    }

    /**
     * Finds the matching ids and bulk-deletes them until none match. Not {@code _delete_by_query}:
     * that lives in the reindex module, which the integ-test distribution the tests run lacks; one
     * document has at most a few thousand chunks, so a round or two suffices.
     */
    private void deleteWhere(Query query) {
        while (true) {
            SearchResponse<Void> found = call("find chunks to delete in " + index, () -> client.search(s -> s
                    .index(index).query(query).size(DELETE_PAGE).source(src -> src.fetch(false)), Void.class));
            if (found.hits().hits().isEmpty()) {
                return;
            }
            BulkRequest.Builder bulk = new BulkRequest.Builder().index(index).refresh(Refresh.WaitFor);
            for (Hit<Void> hit : found.hits().hits()) {
                bulk.operations(op -> op.delete(d -> d.id(hit.id())));
            }
            BulkRequest request = bulk.build();
            BulkResponse response = call("bulk delete from " + index, () -> client.bulk(request));
            if (response.errors()) {
                throw bulkFailure(response);
            }
        }
    }

    private static Query documentQuery(String tenantId, String documentId, String keepVersion) {
        return Query.of(q -> q.bool(b -> {
            b.filter(term("tenantId", tenantId)).filter(term("documentId", documentId));
            if (keepVersion != null) {
                b.mustNot(term("version", keepVersion));
            }
            return b;
        }));
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        if (query.vector() != null) {
            checkDimensions(query.vector());
        }
        int candidates = SearchResults.candidates(query);
        List<Query> filters = filters(query.tenantId(), query.filters());
        List<SearchHit> byVector = List.of();
        if (query.mode() != SearchQuery.Mode.LEXICAL) {
            List<Float> boxed = new ArrayList<>(query.vector().length);
            for (float f : query.vector()) {
                boxed.add(f);
            }
            // k = candidates as the Lucene index asks: same graph, same recall trade.
            byVector = hits(Query.of(q -> q.knn(knn -> knn.field(VECTOR).vector(boxed).k(candidates)
                    .filter(Query.of(f -> f.bool(b -> b.filter(filters)))))), candidates);
        }
        List<SearchHit> byText = List.of();
        if (query.mode() != SearchQuery.Mode.VECTOR) {
            byText = hits(Query.of(q -> q.bool(b -> b.filter(filters)
                    .should(s -> s.match(m -> m.field("text").query(FieldValue.of(query.text()))))
                    .should(s -> s.match(m -> m.field("title").query(FieldValue.of(query.text())).boost(TITLE_BOOST)))
                    .minimumShouldMatch("1"))), candidates);
        }
        return SearchResults.of(query, byVector, byText);
    }

    private List<SearchHit> hits(Query query, int size) {
        SearchResponse<HitSource> response = call("search " + index, () -> client.search(s -> s.index(index)
                .size(size).query(query).source(src -> src.filter(f -> f.includes(HIT_FIELDS))), HitSource.class));
        List<SearchHit> hits = new ArrayList<>(response.hits().hits().size());
        for (Hit<HitSource> hit : response.hits().hits()) {
            HitSource source = hit.source();
            hits.add(new SearchHit(source.documentId(), source.key(), source.ordinal(), source.text(), hit.score(),
                    source.page(), source.headingPath() == null ? List.of() : source.headingPath()));
        }
        return hits;
    }

    private static List<Query> filters(String tenantId, SearchFilters filters) {
        List<Query> all = new ArrayList<>();
        all.add(term("tenantId", tenantId));
        if (filters.documentId() != null) {
            all.add(term("documentId", filters.documentId()));
        }
        if (filters.keyPrefix() != null) {
            all.add(Query.of(q -> q.prefix(p -> p.field("key").value(filters.keyPrefix()))));
        }
        if (filters.type() != null) {
            all.add(term("type", filters.type()));
        }
        return all;
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "cannot close the connection to " + index, e);
        }
    }

    private void checkDimensions(float[] vector) {
        if (vector.length != dimensions) {
            throw new IllegalArgumentException("the index holds " + dimensions + "-dimensional vectors; got "
                    + vector.length);
        }
    }

    /** Runs a request, turning what may pass (no connection, 429, 5xx) into a retryable PortFailure. */
    private static <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (OpenSearchException e) {
            // status() unboxes, and some errors ("no handler found") come without one.
            Integer status = e.response().status();
            if (status != null && retryable(status)) {
                throw PortFailure.retryable(VectorIndex.UNAVAILABLE, what + ": " + e.getMessage(), e);
            }
            throw e;
        } catch (ResponseException e) {
            if (retryable(e.status())) {
                throw PortFailure.retryable(VectorIndex.UNAVAILABLE, what + ": HTTP " + e.status(), e);
            }
            throw new IllegalStateException(what + ": HTTP " + e.status(), e);
        } catch (IOException e) {
            // Connection refused or reset, timeouts, an unreadable (proxy's) error page.
            throw PortFailure.retryable(VectorIndex.UNAVAILABLE, what + ": " + e, e);
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }
}
