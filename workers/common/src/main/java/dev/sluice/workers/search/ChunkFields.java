package dev.sluice.workers.search;

import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.search.IndexedChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What both indexes derive from a chunk to search and filter it by, beyond its own text. */
public final class ChunkFields {

    /** Separators inside file names that analyzers keep inside one token ("release_notes.v2"). */
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[._\\-+]+");

    private ChunkFields() {
    }

    /**
     * The chunk's title: its document's file name in words (the extension dropped) and the headings
     * it sits under. Indexed as a field of its own, so a query naming a document or a section finds
     * it even when the chunk's text never says its heading.
     */
    public static String title(IndexedChunk chunk) {
        String name = chunk.key().substring(chunk.key().lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        List<String> parts = new ArrayList<>();
        parts.add(NAME_SEPARATORS.matcher(dot > 0 ? name.substring(0, dot) : name).replaceAll(" ").strip());
        parts.addAll(chunk.headingPath());
        return String.join("\n", parts);
    }

    /** The {@link DocumentType#id() type} the chunk's key claims, or null. */
    public static String type(IndexedChunk chunk) {
        return DocumentType.forKey(chunk.key()).map(DocumentType::id).orElse(null);
    }
}
