package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.NO_TEXT;

import java.util.List;

/** The Extract step: a validated document's bytes to its text, with pages and headings as sections. */
public final class TextExtractor {

    private final MarkdownText markdown = new MarkdownText();
    private final HtmlText html = new HtmlText();
    private final PdfText pdf = new PdfText();

    /**
     * @param type what {@link DocumentInspector} decided the document is
     * @throws DocumentRejectedException permanently: undecodable (not UTF-8; a corrupt, truncated or
     *                                   password-protected PDF) or no_text (nothing but whitespace)
     */
    public ExtractedText extract(DocumentType type, byte[] content) throws DocumentRejectedException {
        ExtractedText extracted = switch (type) {
            case TEXT -> plain(text(content));
            case MARKDOWN -> markdown.extract(text(content));
            case HTML -> html.extract(text(content));
            case PDF -> pdf.extract(content);
        };
        if (extracted.text().isBlank()) {
            throw new DocumentRejectedException(NO_TEXT, "the document contains no text");
        }
        return extracted;
    }

    /** Plain text is kept as it is, one section, so offsets stay those of the file (bar the line ends). */
    private static ExtractedText plain(String text) {
        return new ExtractedText(text, List.of(new Section(0, text.length(), null, List.of())));
    }

    private static String text(byte[] content) throws DocumentRejectedException {
        return StrictUtf8.decode(content).replace("\r\n", "\n").replace('\r', '\n');
    }
}
