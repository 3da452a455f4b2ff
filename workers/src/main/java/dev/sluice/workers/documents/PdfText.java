package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.NO_TEXT;
import static dev.sluice.workers.documents.DocumentRejectedException.UNDECODABLE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** PDF to plain text, page by page, each page its own section so every chunk can cite its page. */
final class PdfText {

    /** PDF readers accept an end-of-file marker anywhere in the last kilobyte. */
    private static final int EOF_MARKER_WINDOW = 1024;
    private static final byte[] EOF_MARKER = "%%EOF".getBytes(StandardCharsets.US_ASCII);

    ExtractedText extract(byte[] content) throws DocumentRejectedException {
        // PDFBox rebuilds a damaged file as best it can and would quietly return the pages it could
        // salvage; an upload cut short must be rejected instead, and the missing trailer gives it away.
        if (!endsWithEofMarker(content)) {
            throw new DocumentRejectedException(UNDECODABLE,
                    "the PDF is truncated or corrupt: it has no end-of-file marker");
        }
        try (PDDocument document = Loader.loadPDF(content)) {
            return pages(document);
        } catch (InvalidPasswordException e) {
            throw new DocumentRejectedException(UNDECODABLE, "the PDF is password-protected", e);
        } catch (IOException | RuntimeException e) {
            // Untrusted input: whatever PDFBox trips over, the same bytes will trip it again.
            throw new DocumentRejectedException(UNDECODABLE, "the PDF is corrupt: " + e.getMessage(), e);
        }
    }

    private static ExtractedText pages(PDDocument document) throws IOException, DocumentRejectedException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setLineSeparator("\n");
        SectionedText out = new SectionedText();
        for (int page = 1; page <= document.getNumberOfPages(); page++) {
            stripper.setStartPage(page);
            stripper.setEndPage(page);
            out.moveTo(page, List.of());
            out.append(stripper.getText(document));
        }
        ExtractedText text = out.build();
        if (text.text().isEmpty()) {
            throw new DocumentRejectedException(NO_TEXT, "the PDF has no extractable text in its "
                    + document.getNumberOfPages() + " page(s); a scanned document needs OCR first");
        }
        return text;
    }

    private static boolean endsWithEofMarker(byte[] content) {
        int from = Math.max(0, content.length - EOF_MARKER_WINDOW);
        for (int i = content.length - EOF_MARKER.length; i >= from; i--) {
            if (Arrays.equals(content, i, i + EOF_MARKER.length, EOF_MARKER, 0, EOF_MARKER.length)) {
                return true;
            }
        }
        return false;
    }
}
