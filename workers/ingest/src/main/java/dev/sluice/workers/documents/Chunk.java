package dev.sluice.workers.documents;

import java.util.List;

/**
 * One piece of a document to embed: characters {@code [start, end)} of {@link ExtractedText#text()}
 * ({@code text} is exactly that substring), within one section, {@code tokens} long as the embedding
 * model's tokenizer counts {@code text}. Ordinals number a document's chunks from 0 in text order.
 */
public record Chunk(int ordinal, int start, int end, Integer page, List<String> headingPath, String text,
        int tokens) {

    public Chunk {
        if (text.length() != end - start) {
            throw new IllegalArgumentException("text does not span [" + start + ", " + end + ")");
        }
        headingPath = List.copyOf(headingPath);
    }
}
