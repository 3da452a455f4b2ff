package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentInspectorTest.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

/** The bounds on untrusted PDFs: one pass over the pages, a page cap that a lying page count cannot dodge, a time budget. */
class PdfTextTest {

    private static final Duration PLENTY = Duration.ofMinutes(1);

    @Test
    void twentyThousandPagesAreReadInOnePass() throws IOException {
        // Reading page by page took 96 s here (each getText walks the whole page tree); one pass takes about a second.
        byte[] pdf = pdf(20_000, Set.of(1, 7_000, 20_000), -1);

        ExtractedText extracted = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> new PdfText(20_000).extract(pdf, PLENTY));

        assertThat(extracted.sections()).extracting(Section::page).containsExactly(1, 7_000, 20_000);
        assertThat(extracted.text()).isEqualTo("marker of page 1\n\nmarker of page 7000\n\nmarker of page 20000");
    }

    @Test
    void moreThanTenThousandPagesAreRefused() throws IOException {
        byte[] pdf = pdf(PdfText.MAX_PAGES + 1, Set.of(1), -1);

        DocumentRejectedException rejected = rejection(() -> new PdfText().extract(pdf, PLENTY));

        assertThat(rejected.reason()).isEqualTo("too_many_pages");
        assertThat(rejected).hasMessageContaining("10001 pages").hasMessageContaining("at most 10000");
    }

    @Test
    void aPageCountThatLiesDoesNotLiftTheCap() throws IOException {
        byte[] pdf = pdf(40, Set.of(1, 40), 3);

        DocumentRejectedException rejected = rejection(() -> new PdfText(10).extract(pdf, PLENTY));

        assertThat(rejected.reason()).isEqualTo("too_many_pages");
        assertThat(rejected).hasMessageContaining("more than 10 pages");
    }

    @Test
    void extractionThatOutrunsItsBudgetFailsForGood() throws IOException {
        byte[] pdf = pdf(50, Set.of(1, 2, 3, 50), -1);

        DocumentRejectedException rejected = rejection(() -> new PdfText().extract(pdf, Duration.ZERO));

        assertThat(rejected.reason()).isEqualTo("extraction_timeout");
        assertThat(rejected).hasMessageContaining("too large or too complex");
    }

    /**
     * {@code pages} pages, the ones in {@code withText} saying "marker of page N", the others empty.
     * {@code declaredCount}, if not negative, replaces the page count in the page tree's root.
     */
    private static byte[] pdf(int pages, Set<Integer> withText, int declaredCount) throws IOException {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int n = 1; n <= pages; n++) {
                PDPage page = new PDPage();
                document.addPage(page);
                if (withText.contains(n)) {
                    try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                        content.beginText();
                        content.setFont(font, 12);
                        content.newLineAtOffset(72, 700);
                        content.showText("marker of page " + n);
                        content.endText();
                    }
                }
            }
            if (declaredCount >= 0) {
                document.getPages().getCOSObject().setInt(COSName.COUNT, declaredCount);
            }
            document.save(out);
            return out.toByteArray();
        }
    }
}
