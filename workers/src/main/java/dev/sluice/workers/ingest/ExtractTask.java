package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.documents.DocumentType;
import dev.sluice.workers.documents.ExtractedText;
import dev.sluice.workers.documents.TextExtractor;

/** Reads the upload and keeps its text with its structure (pages, headings) in S3 for the chunker. */
public final class ExtractTask extends IngestTask {

    private final IngestServices services;
    private final TextExtractor extractor;
    private final long maxBytes;

    public ExtractTask() {
        this(AwsClients.fromEnvironment());
    }

    private ExtractTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS, IngestServices.Need.PROGRESS),
                new TextExtractor(), Setting.MAX_DOCUMENT_BYTES.longFrom(aws));
    }

    public ExtractTask(IngestServices services, TextExtractor extractor, long maxBytes) {
        this.services = services;
        this.extractor = extractor;
        this.maxBytes = maxBytes;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) throws Exception {
        Upload upload = Upload.from(input);
        DocumentType type = DocumentType.valueOf(input.path("validated").path("type").asText());
        byte[] bytes = services.storage().readAll(upload.bucket(), upload.key(), upload.version(), maxBytes);
        ExtractedText text = extractor.extract(type, bytes);
        String textKey = services.storage().putJson(upload.workPrefix() + "text.json", text);
        services.pushes().progress(upload, "extract", 1, 1, context);
        ObjectNode result = Json.object();
        result.put("textKey", textKey);
        result.put("characters", text.text().length());
        result.put("sections", text.sections().size());
        return result;
    }
}
