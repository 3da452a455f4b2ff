package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.documents.DocumentInspector.Inspection;
import dev.sluice.workers.documents.DocumentInspector;
import dev.sluice.workers.priming.Priming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The first step: is this upload still the object's current version, and is it a document we can
 * read? The row becomes PROCESSING for this version before anything can fail, so whatever happens
 * next ends it READY or FAILED. A superseded upload (the key was written again, or deleted) ends
 * quietly: the newer upload's own execution owns the row.
 */
public final class ValidateTask extends IngestTask {

    private static final Logger LOG = LoggerFactory.getLogger(ValidateTask.class);

    private final IngestServices services;
    private final DocumentInspector inspector;
    private final long maxBytes;

    public ValidateTask() {
        this(AwsClients.fromEnvironment());
    }

    private ValidateTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.DOCUMENTS, IngestServices.Need.PROGRESS),
                Setting.MAX_DOCUMENT_BYTES.longFrom(aws));
        Priming.of(ValidateTask.class, aws).register(this);
    }

    public ValidateTask(IngestServices services, long maxBytes) {
        this.services = services;
        this.inspector = new DocumentInspector(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) throws Exception {
        Upload upload = Upload.from(input.path("document"));
        ObjectNode result = Json.object();
        HeadObjectResponse head = services.storage().head(upload.bucket(), upload.key());
        if (head == null || !sameETag(head.eTag(), upload.version())) {
            LOG.atInfo().setMessage("upload superseded").addKeyValue("version", upload.version()).log();
            return result.put("superseded", true);
        }
        long size = head.contentLength();
        services.documents().startProcessing(upload.tenantId(), upload.documentId(), upload.userId(), upload.bucket(),
                upload.key(), upload.version(), input.path("executionArn").asText(), size, services.clock().millis());
        // Size alone decides an empty or oversized upload: nothing is read.
        byte[] first = size == 0 || size > maxBytes ? new byte[0]
                : services.storage().readHead(upload.bucket(), upload.key(), upload.version(),
                        DocumentInspector.HEAD_BYTES);
        Inspection inspected = inspector.inspect(upload.key(), size, first, head.contentType());
        services.pushes().progress(upload, "validate", 1, 1, context);
        result.put("superseded", false).put("type", inspected.type().name()).put("size", size);
        if (inspected.charset() != null) {
            result.put("charset", inspected.charset().name());
        }
        return result;
    }

    /** S3 quotes ETags in headers and not in events. */
    private static boolean sameETag(String a, String b) {
        return a.replace("\"", "").equals(b.replace("\"", ""));
    }
}
