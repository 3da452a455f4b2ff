package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.core.documents.DocumentType;
import dev.sluice.workers.documents.ExtractedText;
import dev.sluice.workers.documents.TextExtractor;
import dev.sluice.workers.priming.Priming;
import java.nio.charset.Charset;
import java.time.Duration;

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
        Priming.of(ExtractTask.class, aws).register(this);
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
        // Validate decided the character set (from the object's Content-Type or the HTML's own declaration).
        Charset charset = Charset.forName(input.path("validated").path("charset").asText("UTF-8"));
        byte[] bytes = services.storage().readAll(upload.bucket(), upload.key(), upload.version(), maxBytes);
        ExtractedText text = extractor.extract(type, bytes, charset, budget(context));
        String textKey = services.storage().putJson(upload.workPrefix() + "text.json", text);
        services.pushes().progress(upload, "extract", 1, 1, context);
        ObjectNode result = Json.object();
        result.put("textKey", textKey);
        result.put("characters", text.text().length());
        result.put("sections", text.sections().size());
        return result;
    }

    /**
     * What is left of the function's time, less a margin for storing the text: extraction gives up
     * (for good) before the function times out, since the state machine would otherwise retry a step
     * that is bound to time out again.
     */
    private static Duration budget(Context context) {
        long remaining = context.getRemainingTimeInMillis();
        return Duration.ofMillis(Math.max(1000, remaining - Math.max(10_000, remaining / 5)));
    }
}
