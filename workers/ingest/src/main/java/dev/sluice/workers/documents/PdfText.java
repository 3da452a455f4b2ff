package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.EXTRACTION_TIMEOUT;
import static dev.sluice.workers.documents.DocumentRejectedException.NO_TEXT;
import static dev.sluice.workers.documents.DocumentRejectedException.TOO_MANY_PAGES;
import static dev.sluice.workers.documents.DocumentRejectedException.UNDECODABLE;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF to plain text, each page its own section so every chunk can cite its page. Untrusted input is
 * bounded three ways: at most {@link #MAX_PAGES} pages, PDFBox's buffers capped in memory and on disk,
 * and a time budget checked as the content streams are read. All three fail permanently: the same
 * bytes would fail the same way again.
 */
final class PdfText {

    /** More pages than any document people search page by page; a crafted file can declare 200,000. */
    static final int MAX_PAGES = 10_000;
    /** PDFBox's scratch buffers (decoded streams, rebuilt objects): this much in memory, then spilled. */
    static final long MAIN_MEMORY_BYTES = 64L * 1024 * 1024;
    /** ... and at most this much in the temporary directory (Lambda's /tmp holds 512 MB by default). */
    static final long SCRATCH_BYTES = 256L * 1024 * 1024;

    /** PDF readers accept an end-of-file marker anywhere in the last kilobyte. */
    private static final int EOF_MARKER_WINDOW = 1024;
    private static final byte[] EOF_MARKER = "%%EOF".getBytes(StandardCharsets.US_ASCII);

    private final int maxPages;

    PdfText() {
        this(MAX_PAGES);
    }

    PdfText(int maxPages) {
        this.maxPages = maxPages;
    }

    /** @param budget how long reading the pages may take before the document is refused as too complex */
    ExtractedText extract(byte[] content, Duration budget) throws DocumentRejectedException {
        long deadline = System.nanoTime() + budget.toNanos();
        // PDFBox rebuilds a damaged file as best it can and would quietly return the pages it could
        // salvage; an upload cut short must be rejected instead, and the missing trailer gives it away.
        if (!endsWithEofMarker(content)) {
            throw new DocumentRejectedException(UNDECODABLE,
                    "the PDF is truncated or corrupt: it has no end-of-file marker");
        }
        MemoryUsageSetting memory = MemoryUsageSetting.setupMixed(MAIN_MEMORY_BYTES, SCRATCH_BYTES)
                .setTempDir(new File(System.getProperty("java.io.tmpdir")));
        try (PDDocument document = Loader.loadPDF(content, "", null, null, memory.streamCache)) {
            int pages = document.getNumberOfPages();
            if (pages > maxPages) {
                throw tooManyPages(Integer.toString(pages));
            }
            return pages(document, deadline, budget);
        } catch (DocumentRejectedException e) {
            throw e;
        } catch (Refusal e) {
            throw e.rejection;
        } catch (InvalidPasswordException e) {
            throw new DocumentRejectedException(UNDECODABLE, "the PDF is password-protected", e);
        } catch (IOException | RuntimeException e) {
            // Untrusted input: whatever PDFBox trips over, the same bytes will trip it again.
            throw new DocumentRejectedException(UNDECODABLE, "the PDF is corrupt: " + e.getMessage(), e);
        }
    }

    private ExtractedText pages(PDDocument document, long deadline, Duration budget)
            throws IOException, DocumentRejectedException {
        PageStripper stripper = new PageStripper(deadline, budget);
        stripper.writeText(document, stripper.buffer);
        ExtractedText text = stripper.out.build();
        if (text.text().isEmpty()) {
            throw new DocumentRejectedException(NO_TEXT, "the PDF has no extractable text in its "
                    + document.getNumberOfPages() + " page(s); a scanned document needs OCR first");
        }
        return text;
    }

    private DocumentRejectedException tooManyPages(String pages) {
        return new DocumentRejectedException(TOO_MANY_PAGES, "the PDF has " + pages + " pages; at most " + maxPages
                + " are read");
    }

    /**
     * One pass over the document: PDFBox walks the page tree from the start on every {@code getText}, so
     * asking for one page at a time is quadratic in the page count. Each page's text is taken from the
     * buffer as the page ends, and the buffer emptied, so it never holds more than one page.
     */
    private final class PageStripper extends PDFTextStripper {

        /** How many content-stream operators pass between two looks at the clock. */
        private static final int CLOCK_EVERY = 1024;

        final StringWriter buffer = new StringWriter();
        final SectionedText out = new SectionedText();
        private final long deadline;
        private final Duration budget;
        private int operators;

        PageStripper(long deadline, Duration budget) {
            this.deadline = deadline;
            this.budget = budget;
            setLineSeparator("\n");
        }

        @Override
        protected void startPage(PDPage page) throws IOException {
            // The declared page count can lie; the pages actually walked cannot.
            if (getCurrentPageNo() > maxPages) {
                throw new Refusal(tooManyPages("more than " + maxPages));
            }
            checkClock();
            buffer.getBuffer().setLength(0);
            super.startPage(page);
        }

        @Override
        protected void endPage(PDPage page) throws IOException {
            super.endPage(page);
            out.moveTo(getCurrentPageNo(), List.of());
            out.append(buffer.toString());
            buffer.getBuffer().setLength(0);
        }

        @Override
        protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
            if (++operators % CLOCK_EVERY == 0) {
                checkClock();
            }
            super.processOperator(operator, operands);
        }

        private void checkClock() {
            if (System.nanoTime() - deadline > 0) {
                throw new Refusal(new DocumentRejectedException(EXTRACTION_TIMEOUT, "reading the PDF's text took"
                        + " longer than " + budget.toSeconds() + " s (stopped at page " + getCurrentPageNo()
                        + "); the document is too large or too complex"));
            }
        }
    }

    /** Carries a rejection out through PDFBox, whose callbacks may only throw IOException. */
    private static final class Refusal extends RuntimeException {

        final DocumentRejectedException rejection;

        Refusal(DocumentRejectedException rejection) {
            super(rejection.getMessage(), null, false, false);
            this.rejection = rejection;
        }
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
