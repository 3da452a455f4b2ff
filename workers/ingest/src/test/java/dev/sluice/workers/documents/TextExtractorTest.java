package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentInspectorTest.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.documents.DocumentType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class TextExtractorTest {

    private final TextExtractor extractor = new TextExtractor();

    @Test
    void keepsPlainTextAsItIsWithWindowsLineEndingsNormalized() throws DocumentRejectedException {
        ExtractedText extracted = extractor.extract(DocumentType.TEXT, Fixtures.bytes("notes.txt"));

        assertThat(extracted.text()).isEqualTo("""
                Sluice notes

                Documents flow from S3 through Validate, Extract, Chunk, Embed and Index.
                Each step is a Lambda task.

                Caf\u00e9 cr\u00e8me costs \u20ac3.
                """);
        assertThat(extracted.sections())
                .containsExactly(new Section(0, extracted.text().length(), null, List.of()));
    }

    @Test
    void dropsAUtf8ByteOrderMark() throws DocumentRejectedException {
        byte[] content = "\uFEFFhello".getBytes(StandardCharsets.UTF_8);

        assertThat(extractor.extract(DocumentType.TEXT, content).text()).isEqualTo("hello");
    }

    @Test
    void markdownKeepsTheWordsAndDropsTheMarkup() throws DocumentRejectedException {
        String text = extractor.extract(DocumentType.MARKDOWN, Fixtures.bytes("guide.md")).text();

        assertThat(text).startsWith("User guide\n\nSluice turns documents into searchable chunks. See the docs.")
                .contains("Run the installer:\n\n./install.sh --local\n\nRequirements\n\nJava 21\n\nMaven 3.9")
                .contains("wait for the done event.")
                .doesNotContain("#", "**", "](", "https://", "```", "- Java", "*3.9*", "`done`");
    }

    @Test
    void markdownHeadingsNestIntoHeadingPaths() throws DocumentRejectedException {
        ExtractedText extracted = extractor.extract(DocumentType.MARKDOWN, Fixtures.bytes("guide.md"));

        assertThat(sectionAt(extracted, "Sluice turns").headingPath()).containsExactly("User guide");
        assertThat(sectionAt(extracted, "./install.sh").headingPath()).containsExactly("User guide", "Installing");
        assertThat(sectionAt(extracted, "Java 21").headingPath())
                .containsExactly("User guide", "Installing", "Requirements");
        assertThat(sectionAt(extracted, "Upload a file").headingPath()).containsExactly("User guide", "Using");
        assertThat(sectionAt(extracted, "Every option").headingPath()).containsExactly("Reference");
        assertThat(extracted.sections()).hasSize(5).allSatisfy(section -> assertThat(section.page()).isNull());
    }

    @Test
    void aHeadingBelongsToTheSectionItOpens() throws DocumentRejectedException {
        ExtractedText extracted = extractor.extract(DocumentType.MARKDOWN, Fixtures.bytes("guide.md"));

        Section requirements = sectionAt(extracted, "Requirements");
        assertThat(extracted.text().substring(requirements.start(), requirements.end()))
                .startsWith("Requirements\n\nJava 21");
    }

    @Test
    void htmlDropsScriptsStylesAndTheHeadAndSeparatesBlocks() throws DocumentRejectedException {
        String text = extractor.extract(DocumentType.HTML, Fixtures.bytes("page.html")).text();

        assertThat(text).doesNotContain("do not index me", "hidden script text", "font-family", "Sluice overview")
                .contains("Overview\n\nSluice is an event-driven pipeline.\n\nPipeline")
                .contains("Validate the upload\n\nExtract the text")
                .contains("Chunks are cut by tokens.\nNever by bytes.")
                .contains("Step Lambda\nEmbed embedder")
                .startsWith("Home | Docs\n\n");
    }

    @Test
    void htmlHeadingsNestIntoHeadingPaths() throws DocumentRejectedException {
        ExtractedText extracted = extractor.extract(DocumentType.HTML, Fixtures.bytes("page.html"));

        assertThat(sectionAt(extracted, "Home").headingPath()).isEmpty();
        assertThat(sectionAt(extracted, "event-driven").headingPath()).containsExactly("Overview");
        assertThat(sectionAt(extracted, "Extract the text").headingPath()).containsExactly("Overview", "Pipeline");
        assertThat(sectionAt(extracted, "Never by bytes").headingPath())
                .containsExactly("Overview", "Pipeline", "Chunking");
        assertThat(sectionAt(extracted, "embedder").headingPath())
                .containsExactly("Overview", "Pipeline", "Chunking");
        assertThat(sectionAt(extracted, "Alarms").headingPath()).containsExactly("Overview", "Operations");
    }

    @Test
    void pdfPagesBecomeSectionsNumberedFromOne() throws DocumentRejectedException {
        ExtractedText extracted = extractor.extract(DocumentType.PDF, Fixtures.bytes("three-pages.pdf"));

        assertThat(extracted.sections()).extracting(Section::page).containsExactly(1, 2, 3);
        assertThat(sectionAt(extracted, "quarterly report").page()).isEqualTo(1);
        assertThat(sectionAt(extracted, "north grew fastest").page()).isEqualTo(2);
        assertThat(sectionAt(extracted, "steady growth").page()).isEqualTo(3);
        assertThat(extracted.text()).doesNotContain("\r");
    }

    @Test
    void aTruncatedPdfIsUndecodable() {
        DocumentRejectedException rejected =
                rejection(() -> extractor.extract(DocumentType.PDF, Fixtures.bytes("truncated.pdf")));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("truncated");
    }

    @Test
    void aPdfWhoseStructureIsGarbageIsUndecodable() {
        byte[] garbage = "%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

        DocumentRejectedException rejected = rejection(() -> extractor.extract(DocumentType.PDF, garbage));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("corrupt");
    }

    @Test
    void aPasswordProtectedPdfIsUndecodable() throws IOException {
        byte[] encrypted = pdf(document -> {
            addPage(document, "Secret figures.");
            document.protect(new StandardProtectionPolicy("owner", "user", new AccessPermission()));
        });

        DocumentRejectedException rejected = rejection(() -> extractor.extract(DocumentType.PDF, encrypted));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("password");
    }

    @Test
    void aPdfOfImagesAloneHasNoText() throws IOException {
        byte[] scanned = pdf(document -> {
            for (int i = 0; i < 2; i++) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.addRect(50, 50, 200, 300);
                    content.fill();
                }
            }
        });

        DocumentRejectedException rejected = rejection(() -> extractor.extract(DocumentType.PDF, scanned));

        assertThat(rejected.reason()).isEqualTo("no_text");
        assertThat(rejected).hasMessageContaining("2 page(s)");
    }

    @Test
    void aBlankDocumentOfAnyKindHasNoText() {
        byte[] blank = " \n\t\r\n ".getBytes(StandardCharsets.UTF_8);
        byte[] onlyARule = "---\n\n***\n".getBytes(StandardCharsets.UTF_8);
        byte[] onlyAScript = "<html><body><script>let x = 1;</script></body></html>".getBytes(StandardCharsets.UTF_8);

        assertThat(rejection(() -> extractor.extract(DocumentType.TEXT, blank)).reason()).isEqualTo("no_text");
        assertThat(rejection(() -> extractor.extract(DocumentType.MARKDOWN, onlyARule)).reason()).isEqualTo("no_text");
        assertThat(rejection(() -> extractor.extract(DocumentType.HTML, onlyAScript)).reason()).isEqualTo("no_text");
    }

    @Test
    void invalidUtf8AnywhereInTheDocumentIsUndecodable() {
        // The inspector only sees the head; a bad byte further on must still be caught here.
        byte[] content = ("a".repeat(100_000) + "\u00e9").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(rejection(() -> extractor.extract(DocumentType.TEXT, content)).reason()).isEqualTo("undecodable");
    }

    @Test
    void sectionsMustCoverTheTextWithoutGaps() {
        assertThatThrownBy(() -> new ExtractedText("abcdef",
                List.of(new Section(0, 2, null, List.of()), new Section(3, 6, null, List.of()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExtractedText("abcdef", List.of(new Section(0, 5, null, List.of()))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Section sectionAt(ExtractedText extracted, String needle) {
        int at = extracted.text().indexOf(needle);
        assertThat(at).as("'%s' in the text", needle).isNotNegative();
        return extracted.sections().stream()
                .filter(section -> section.start() <= at && at < section.end())
                .findFirst()
                .orElseThrow();
    }

    private interface DocumentBuilder {
        void build(PDDocument document) throws IOException;
    }

    private static byte[] pdf(DocumentBuilder builder) throws IOException {
        try (PDDocument document = new PDDocument()) {
            builder.build(document);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static void addPage(PDDocument document, String line) throws IOException {
        PDPage page = new PDPage();
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
            content.newLineAtOffset(50, 700);
            content.showText(line);
            content.endText();
        }
    }
}
