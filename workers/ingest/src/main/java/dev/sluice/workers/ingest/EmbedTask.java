package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.json.Json;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.embed.Embedders;
import dev.sluice.workers.priming.Priming;
import java.util.Arrays;
import java.util.List;

/** Embeds one batch of chunks and keeps the vectors beside it in S3 for the index step. */
public final class EmbedTask extends IngestTask {

    private final IngestServices services;
    private final Embedder embedder;

    public EmbedTask() {
        this(AwsClients.fromEnvironment());
    }

    private EmbedTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS), Embedders.fromEnvironment(aws));
        Priming.of(EmbedTask.class, aws).register(this);
    }

    public EmbedTask(IngestServices services, Embedder embedder) {
        this.services = services;
        this.embedder = embedder;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        String batchKey = input.path("batchKey").asText();
        List<Chunk> chunks = Arrays.asList(services.storage().getJson(batchKey, Chunk[].class));
        List<float[]> vectors = embedder.embed(chunks.stream().map(Chunk::text).toList());
        ObjectNode result = Json.object();
        result.put("vectorsKey", services.storage().putJson(vectorsKey(batchKey), vectors));
        result.put("model", embedder.modelId());
        return result;
    }

    static String vectorsKey(String batchKey) {
        return batchKey.replace("/chunks/", "/vectors/");
    }
}
