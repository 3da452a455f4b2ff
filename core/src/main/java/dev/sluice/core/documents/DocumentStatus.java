package dev.sluice.core.documents;

/**
 * Where a document is. {@code AWAITING_UPLOAD} rows (from {@code POST /v1/documents}) expire if no
 * upload follows; every upload ends {@code READY} or {@code FAILED} with a reason.
 */
public enum DocumentStatus {
    AWAITING_UPLOAD, PROCESSING, READY, FAILED, DELETED
}
