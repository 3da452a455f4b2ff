package dev.sluice.core.documents;

import java.nio.charset.StandardCharsets;

/**
 * How long a document's filename may be: the one limit, checked where an upload is asked for
 * ({@code POST /v1/documents}), so no upload URL is handed out for a key a store would refuse.
 *
 * <p>An upload's key is {@code {tenantId}/uploads/{uuid7}/{filename}}: at most 64 + 9 + 36 + 1 +
 * {@value #MAX_BYTES} = 310 bytes, well inside S3's 1,024; and the filename, the key's last segment,
 * stays under the 212 bytes the local S3's filesystem store can hold in one path segment.
 */
public final class DocumentFilenames {

    /** In UTF-8 bytes, not characters: keys are limited in bytes, and one character may take four. */
    public static final int MAX_BYTES = 200;

    private DocumentFilenames() {
    }

    public static boolean fits(String filename) {
        return filename.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
