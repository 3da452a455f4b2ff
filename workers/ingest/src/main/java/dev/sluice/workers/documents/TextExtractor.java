package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.NO_TEXT;

import dev.sluice.core.documents.DocumentType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The Extract step: a validated document's bytes to its text, with pages and headings as sections. */
public final class TextExtractor {

    /** Reading a PDF's pages may take this long unless the caller gives a budget of its own. */
    public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(4);

    private final MarkdownText markdown = new MarkdownText();
    private final HtmlText html = new HtmlText();
    private final PdfText pdf = new PdfText();

    /** A UTF-8 text document, or a PDF, read within {@link #DEFAULT_BUDGET}. */
    public ExtractedText extract(DocumentType type, byte[] content) throws DocumentRejectedException {
        return extract(type, content, StandardCharsets.UTF_8, DEFAULT_BUDGET);
    }

    /**
     * @param type    what {@link DocumentInspector} decided the document is
     * @param charset what {@link DocumentInspector} decided a text document is written in (ignored for PDF)
     * @param budget  how long reading a PDF may take: a deterministic step that ran out of time would run
     *                out again, so it fails for good (extraction_timeout) before the function times out
     * @throws DocumentRejectedException permanently: undecodable (not in its charset; a corrupt, truncated or
     *                                   password-protected PDF), no_text (nothing but whitespace),
     *                                   too_many_pages or extraction_timeout
     */
    public ExtractedText extract(DocumentType type, byte[] content, Charset charset, Duration budget)
            throws DocumentRejectedException {
        ExtractedText extracted = switch (type) {
            case TEXT -> plain(text(content, charset));
            case MARKDOWN -> markdown.extract(text(content, charset));
            case HTML -> html.extract(text(content, charset));
            case PDF -> pdf.extract(content, budget);
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

    private static String text(byte[] content, Charset charset) throws DocumentRejectedException {
        return StrictText.decode(content, charset).replace("\r\n", "\n").replace('\r', '\n');
    }
}
