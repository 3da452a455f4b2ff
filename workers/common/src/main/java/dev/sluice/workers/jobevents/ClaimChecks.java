package dev.sluice.workers.jobevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.Json;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * JSON bodies too large to travel inline (in an event, a job row or a push) are kept in S3 and
 * travel as an {@link S3Ref}: the claim-check pattern.
 */
public final class ClaimChecks {

    private final S3Client s3;
    private final String bucket;

    public ClaimChecks(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public S3Ref put(String key, byte[] json) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(json));
        return new S3Ref(bucket, key, json.length);
    }

    public JsonNode get(S3Ref ref) {
        byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(ref.bucket()).key(ref.key())).asByteArray();
        return Json.parse(new String(bytes, StandardCharsets.UTF_8));
    }
}
