package dev.sluice.core.documents;

import com.github.f4b6a3.uuid.UuidCreator;
import com.github.f4b6a3.uuid.enums.UuidNamespace;
import java.util.regex.Pattern;

/**
 * A document is its S3 object: the id is a name-based UUID of bucket and key, so uploading the same
 * key again is the same document (its chunks are replaced), whichever way it was uploaded.
 */
public final class DocumentIds {

    private static final Pattern SHAPE =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private DocumentIds() {
    }

    /** Whether {@code id} could be one {@link #of} made: anything else names no document. */
    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }

    public static String of(String bucket, String key) {
        return UuidCreator.getNameBasedSha1(UuidNamespace.NAMESPACE_URL, "s3://" + bucket + "/" + key).toString();
    }

    /** The tenant is the first segment of the key ({@code {tenantId}/...}); null if there is none. */
    public static String tenantOf(String key) {
        int slash = key.indexOf('/');
        return slash <= 0 ? null : key.substring(0, slash);
    }

    /**
     * The Step Functions execution name for one upload: document and ETag, so a duplicate "Object
     * Created" event finds the execution already there and starts nothing new. Names allow 80
     * characters of {@code [A-Za-z0-9_-]}; a multipart ETag ({@code hex-N}) fits as it is.
     */
    public static String executionName(String documentId, String etag) {
        String clean = etag.replace("\"", "").replaceAll("[^A-Za-z0-9_-]", "_");
        String name = documentId + "-" + clean;
        return name.length() <= 80 ? name : name.substring(0, 80);
    }

    /**
     * A fresh execution name for an operator's retry of one upload: the document, the ETag's first 8
     * characters and {@code r} with the time in base 36, so each retry has its own name (a name
     * cannot be used twice) and it still says which upload it ran. At most 36 + 1 + 8 + 2 + 9 = 56
     * characters.
     */
    public static String retryExecutionName(String documentId, String etag, long epochMillis) {
        String clean = etag.replace("\"", "").replaceAll("[^A-Za-z0-9_-]", "_");
        return documentId + "-" + clean.substring(0, Math.min(8, clean.length())) + "-r"
                + Long.toString(epochMillis, 36);
    }
}
