package dev.sluice.workers.ingest;

import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 side of ingestion: the uploaded object, and the text, chunks and vectors that pass between
 * steps by key (in the payload bucket) because a state's payload may not exceed 256 KiB.
 */
public final class IngestStorage {

    private static final Logger LOG = LoggerFactory.getLogger(IngestStorage.class);

    private final S3Client s3;
    private final String workBucket;

    public IngestStorage(S3Client s3, String workBucket) {
        this.s3 = s3;
        this.workBucket = workBucket;
    }

    /** The object's current metadata; null if it is gone. */
    public HeadObjectResponse head(String bucket, String key) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException gone) {
            return null;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** At most the first {@code n} bytes of the object: enough to tell its type. */
    public byte[] readHead(String bucket, String key, String version, int n) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key)
                .ifMatch(version).range("bytes=0-" + (n - 1)))) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The whole object, if it is still this version (If-Match), refusing more than {@code limit}
     * bytes whatever the listing said.
     */
    public byte[] readAll(String bucket, String key, String version, long limit) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key)
                .ifMatch(version))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new PermanentIngestException("too_large", "the object is over " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload bucket, which a step built without {@code WORK_OBJECTS} has not. */
    private String workBucket() {
        if (workBucket == null) {
            throw new IllegalStateException("this step declares no work bucket (PAYLOAD_BUCKET)");
        }
        return workBucket;
    }

    public String putJson(String key, Object value) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(value);
            s3.putObject(b -> b.bucket(workBucket()).key(key).contentType("application/json"),
                    RequestBody.fromBytes(bytes));
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T> T getJson(String key, Class<T> type) {
        try (InputStream in = s3.getObject(b -> b.bucket(workBucket()).key(key))) {
            return Json.MAPPER.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #deletePrefix}, for a step whose outcome is already written: a failure is logged: the
     * objects left behind are clutter, not a reason to fail the upload.
     */
    public void deletePrefixQuietly(String prefix) {
        try {
            deletePrefix(prefix);
        } catch (RuntimeException e) {
            LOG.atError().setMessage("removing the intermediate objects failed: " + e).addKeyValue("prefix", prefix)
                    .log();
        }
    }

    /** Removes an upload's intermediate objects once it is indexed. */
    public void deletePrefix(String prefix) {
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(workBucket()).prefix(prefix))) {
            List<ObjectIdentifier> keys = page.contents().stream().map(S3Object::key)
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            if (!keys.isEmpty()) {
                s3.deleteObjects(b -> b.bucket(workBucket()).delete(d -> d.objects(keys).quiet(true)));
            }
        }
    }
}
