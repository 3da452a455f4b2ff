package dev.sluice.local.s3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.events.EventSink;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Puts the "Object Created" / "Object Deleted" events S3 sends to EventBridge on the local bus.
 * S3Proxy answers the notification API with 501, so the events are raised here, once the write
 * has succeeded, and only for buckets whose EventBridge switch is on.
 *
 * <p>Multi-object delete reaches {@link #removeBlob(DeleteObjectRequest)} once per key, so each
 * deleted key yields its own event, as in S3. Keys are passed raw: unlike S3's SQS/SNS/Lambda
 * notifications, its EventBridge events do not URL-encode them.
 */
final class EventEmittingBlobStore extends ForwardingBlobStore {

    private static final System.Logger LOG = System.getLogger(EventEmittingBlobStore.class.getName());

    /**
     * S3Proxy reserves this prefix for multipart bookkeeping (clients may not use it); skipping it
     * keeps a multipart upload at one event whichever backend sits underneath.
     */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final Set<String> eventBridgeBuckets;
    private final String accountId;
    private final EventSink sink;
    /**
     * Seeded from the clock so sequencers keep increasing across restarts on the same data
     * directory, as consumers compare them to order events for one key.
     */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() << 20);

    EventEmittingBlobStore(BlobStore delegate, Set<String> eventBridgeBuckets, String accountId, EventSink sink) {
        super(delegate);
        this.eventBridgeBuckets = Set.copyOf(eventBridgeBuckets);
        this.accountId = accountId;
        this.sink = sink;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        PutObjectResponse response = super.putBlob(request, input);
        created(request.bucket(), request.key(), response.eTag(), "PutObject");
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        created(request.destinationBucket(), request.destinationKey(),
                response.copyObjectResult().eTag(), "CopyObject");
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
            MultipartUpload upload, CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        created(upload.containerName(), upload.blobName(), response.eTag(), "CompleteMultipartUpload");
        return response;
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        if (!emitsFor(request.bucket(), request.key())) {
            return super.removeBlob(request);
        }
        // Deleting a missing key still answers 204, but announcing the deletion of something that
        // never existed would only mislead consumers; one stat tells the cases apart and supplies
        // the etag the event carries.
        HeadObjectResponse existing = delegate().blobMetadataIfPresent(request.bucket(), request.key());
        DeleteObjectResponse response = super.removeBlob(request);
        if (existing != null) {
            ObjectNode object = Json.object().put("key", request.key());
            putETag(object, existing.eTag());
            ObjectNode detail = detail(request.bucket(), object, "DeleteObject")
                    .put("deletion-type", "Permanently Deleted");
            send("Object Deleted", request.bucket(), detail);
        }
        return response;
    }

    private void created(String bucket, String key, String eTag, String reason) {
        if (!emitsFor(bucket, key)) {
            return;
        }
        // The write responses carry no size; a stat right after the write supplies it. If the
        // object is already gone again, the event goes out without a size rather than not at all.
        HeadObjectResponse stored = delegate().blobMetadataIfPresent(bucket, key);
        ObjectNode object = Json.object().put("key", key);
        if (stored != null && stored.contentLength() != null) {
            object.put("size", stored.contentLength());
        }
        putETag(object, eTag);
        send("Object Created", bucket, detail(bucket, object, reason));
    }

    private boolean emitsFor(String bucket, String key) {
        return eventBridgeBuckets.contains(bucket) && !key.startsWith(MULTIPART_STUB_PREFIX);
    }

    private static void putETag(ObjectNode object, String eTag) {
        if (eTag != null) {
            object.put("etag", eTag.replace("\"", ""));
        }
    }

    /** Builds the detail in the field order S3 uses; {@code object} gets its sequencer here. */
    private ObjectNode detail(String bucket, ObjectNode object, String reason) {
        object.put("sequencer", HEX.toHexDigits(sequence.incrementAndGet()));
        ObjectNode detail = Json.object();
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        detail.set("object", object);
        detail.put("request-id", HEX.toHexDigits(ThreadLocalRandom.current().nextLong()));
        detail.put("requester", accountId);
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", reason);
        return detail;
    }

    private void send(String detailType, String bucket, ObjectNode detail) {
        try {
            sink.put("default", "aws.s3", detailType, Json.write(detail), List.of("arn:aws:s3:::" + bucket));
        } catch (RuntimeException e) {
            // The object is already written; failing the request now would only make the client
            // retry a write that succeeded. S3's own delivery is asynchronous and best effort too.
            LOG.log(System.Logger.Level.WARNING, "could not put S3 " + detailType + " event for bucket " + bucket, e);
        }
    }
}
