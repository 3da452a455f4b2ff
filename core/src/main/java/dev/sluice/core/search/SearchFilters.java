package dev.sluice.core.search;

/**
 * Which of the tenant's chunks a search may return; each null filter lets everything through.
 *
 * @param documentId only this document's chunks
 * @param keyPrefix  only chunks of documents whose object key starts with this
 * @param type       only chunks of documents of this {@link dev.sluice.core.documents.DocumentType#id() type}
 */
public record SearchFilters(String documentId, String keyPrefix, String type) {

    public static final SearchFilters NONE = new SearchFilters(null, null, null);

    public boolean none() {
        return documentId == null && keyPrefix == null && type == null;
    }
}
