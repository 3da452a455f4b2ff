package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.documents.Chunker;
import dev.sluice.workers.documents.ExtractedText;
import dev.sluice.workers.embed.Embedders;
import dev.sluice.workers.embed.InputWindow;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.tenants.TenantSettings;
import java.util.List;

/**
 * Cuts the text into chunks, counted in the embedder's own tokens with the tenant's chunking
 * options, and writes them in batches: the Map state iterates over the batches' keys, which stay
 * small whatever the document's size (50 MiB of text is about 1,400 keys of 32 chunks).
 */
public final class ChunkTask extends IngestTask {

    private final IngestServices services;
    private final TenantSettings settings;
    private final InputWindow window;
    private final int batchSize;

    public ChunkTask() {
        this(AwsClients.fromEnvironment());
    }

    private ChunkTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS, IngestServices.Need.PROGRESS),
                TenantSettings.fromEnvironment(aws), Embedders.inputWindow(aws),
                Setting.CHUNK_BATCH_SIZE.intFrom(aws));
        Priming.of(ChunkTask.class, aws).register(this);
    }

    public ChunkTask(IngestServices services, TenantSettings settings, InputWindow window, int batchSize) {
        this.services = services;
        this.settings = settings;
        this.window = window;
        this.batchSize = batchSize;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        Upload upload = Upload.from(input);
        ExtractedText text = services.storage().getJson(input.path("extracted").path("textKey").asText(),
                ExtractedText.class);
        Chunker chunker = new Chunker(window.tokenizer(), window.maxTokens(),
                settings.chunking(upload.tenantId()));
        List<Chunk> chunks = chunker.chunk(text);
        ObjectNode result = Json.object();
        ArrayNode batches = result.putArray("batches");
        for (int from = 0, n = 0; from < chunks.size(); from += batchSize, n++) {
            List<Chunk> batch = chunks.subList(from, Math.min(chunks.size(), from + batchSize));
            batches.add(services.storage().putJson(upload.workPrefix() + "chunks/" + String.format("%06d", n)
                    + ".json", batch));
        }
        result.put("chunks", chunks.size());
        services.pushes().progress(upload, "chunk", chunks.size(), chunks.size(), context);
        return result;
    }
}
