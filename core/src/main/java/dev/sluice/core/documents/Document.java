package dev.sluice.core.documents;

/**
 * A document row. {@code version} is the S3 ETag of the upload being (or last) processed: every
 * transition is conditional on it, so an older execution can never overwrite a newer upload's state.
 *
 * @param type the detected type (txt, md, html, pdf), once validated
 * @param chunks how many chunks are indexed, once READY
 * @param errorCode why it FAILED, a stable code such as {@code unsupported_type}
 * @param correlationId the request of {@code POST /v1/documents} that asked for the upload; null for a
 *                      plain S3 upload and for rows older than it
 */
public record Document(String tenantId, String documentId, String userId, String bucket, String key,
        String filename, String version, DocumentStatus status, String executionArn, Long size, String type,
        Integer chunks, String errorCode, String errorMessage, long createdAt, long updatedAt, String correlationId) {
}
