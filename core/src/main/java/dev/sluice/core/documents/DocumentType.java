package dev.sluice.core.documents;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The document formats the pipeline can extract text from, each with the extensions that claim it. */
public enum DocumentType {
    TEXT(".txt"),
    MARKDOWN(".md", ".markdown"),
    HTML(".html", ".htm"),
    PDF(".pdf");

    private final List<String> extensions;

    DocumentType(String... extensions) {
        this.extensions = List.of(extensions);
    }

    /** The type an object key's extension claims (case-insensitive), if it is one we support. */
    public static Optional<DocumentType> forKey(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String extension = name.substring(dot);
        return Arrays.stream(values()).filter(type -> type.extensions.contains(extension)).findFirst();
    }

    /** The type as documents and search name it: {@code text}, {@code markdown}, {@code html}, {@code pdf}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type {@link #id()} names, exactly. */
    public static Optional<DocumentType> withId(String id) {
        return Arrays.stream(values()).filter(type -> type.id().equals(id)).findFirst();
    }

    /** ".txt .md .markdown .html .htm .pdf", for rejection messages. */
    public static String supportedExtensions() {
        return Arrays.stream(values())
                .flatMap(type -> type.extensions.stream())
                .collect(Collectors.joining(" "));
    }
}
