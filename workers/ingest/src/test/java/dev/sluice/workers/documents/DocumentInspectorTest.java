package dev.sluice.workers.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.core.documents.DocumentType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentInspectorTest {

    private final DocumentInspector inspector = new DocumentInspector(DocumentInspector.DEFAULT_MAX_BYTES);

    @ParameterizedTest
    @CsvSource({
            "notes.txt, notes.txt, TEXT",
            "guide.md, guide.md, MARKDOWN",
            "guide.md, uploads/2025/guide.markdown, MARKDOWN",
            "page.html, page.html, HTML",
            "page.html, site/INDEX.HTM, HTML",
            "three-pages.pdf, reports/Q3.PDF, PDF",
            // HTML is text: a .txt or .md holding markup is still accepted as what its name says
            "page.html, page.txt, TEXT",
    })
    void decidesTheTypeFromTheExtensionWhenTheContentAgrees(String fixture, String key, DocumentType expected)
            throws DocumentRejectedException {
        byte[] content = Fixtures.bytes(fixture);

        assertThat(inspector.inspect(key, content.length, content, null).type()).isEqualTo(expected);
    }

    @Test
    void needsOnlyTheHeadOfALargeDocument() throws DocumentRejectedException {
        byte[] head = Arrays.copyOf(Fixtures.bytes("three-pages.pdf"), 100);

        assertThat(inspector.inspect("big.pdf", 40_000_000, head, null).type()).isEqualTo(DocumentType.PDF);
    }

    @Test
    void rejectsADocumentOverTheConfiguredLimitFromItsSizeAlone() throws DocumentRejectedException {
        DocumentInspector small = new DocumentInspector(1024);
        byte[] head = "hello".getBytes(StandardCharsets.UTF_8);

        assertThat(small.inspect("a.txt", 1024, head, null).type()).isEqualTo(DocumentType.TEXT);
        DocumentRejectedException rejected = rejection(() -> small.inspect("a.txt", 1025, head, null));
        assertThat(rejected.reason()).isEqualTo("too_large");
        assertThat(rejected).hasMessageContaining("1025").hasMessageContaining("1024");
    }

    @Test
    void theDefaultLimitIsFiftyMebibytes() {
        assertThat(DocumentInspector.DEFAULT_MAX_BYTES).isEqualTo(50L * 1024 * 1024);
        assertThat(rejection(() -> inspector.inspect("a.txt", 50L * 1024 * 1024 + 1, new byte[] {'a'}, null)).reason())
                .isEqualTo("too_large");
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThat(rejection(() -> inspector.inspect("empty.txt", 0, Fixtures.bytes("empty.txt"), null)).reason())
                .isEqualTo("empty");
    }

    @Test
    void rejectsAWordDocumentNamingTheDetectedTypeAndTheSupportedExtensions() {
        byte[] docx = Fixtures.bytes("report.docx");

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("report.docx", docx.length, docx, null));

        assertThat(rejected.reason()).isEqualTo("unsupported_type");
        assertThat(rejected).hasMessageContaining("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                .hasMessageContaining(".txt .md .markdown .html .htm .pdf");
    }

    @Test
    void rejectsAKeyWithoutASupportedExtensionEvenWhenItHoldsText() {
        byte[] text = "plain words".getBytes(StandardCharsets.UTF_8);

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("docs/README", text.length, text, null));

        assertThat(rejected.reason()).isEqualTo("unsupported_type");
        assertThat(rejected).hasMessageContaining("text/plain");
    }

    @ParameterizedTest
    @CsvSource({
            "photo.txt, photo.txt, image/png",
            "notes.txt, notes.pdf, text/plain",
            "three-pages.pdf, three-pages.txt, application/pdf",
            "report.docx, report.md, application/x-tika-ooxml",
            "page.html, page.pdf, text/html",
    })
    void rejectsContentThatContradictsItsExtension(String fixture, String key, String detected) {
        byte[] content = Fixtures.bytes(fixture);

        DocumentRejectedException rejected = rejection(() -> inspector.inspect(key, content.length, content, null));

        assertThat(rejected.reason()).isEqualTo("type_mismatch");
        assertThat(rejected).hasMessageContaining(detected);
    }

    @Test
    void rejectsBinaryDataNamedAsText() {
        byte[] binary = {0x00, 0x01, 0x02, 0x03, 'a', 'b', 0x00, 0x7F, 0x10, 0x11};

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("data.txt", binary.length, binary, null));

        assertThat(rejected.reason()).isEqualTo("type_mismatch");
        assertThat(rejected).hasMessageContaining("binary");
    }

    @Test
    void rejectsLatin1TextAsUndecodable() {
        byte[] latin1 = "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade".getBytes(StandardCharsets.ISO_8859_1);

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("menu.md", latin1.length, latin1, null));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("UTF-8");
    }

    @Test
    void rejectsUtf16TextAsUndecodable() {
        byte[] utf16 = "\uFEFFHello, world".getBytes(StandardCharsets.UTF_16LE);

        assertThat(rejection(() -> inspector.inspect("hello.txt", utf16.length, utf16, null)).reason())
                .isEqualTo("undecodable");
    }

    @Test
    void acceptsUtf8WithAByteOrderMark() throws DocumentRejectedException {
        byte[] bom = "\uFEFFCaf\u00e9".getBytes(StandardCharsets.UTF_8);

        assertThat(inspector.inspect("cafe.txt", bom.length, bom, null).type()).isEqualTo(DocumentType.TEXT);
    }

    @Test
    void aCharacterCutAtTheEndOfTheHeadIsOnlyAnErrorWhenTheHeadIsTheWholeDocument()
            throws DocumentRejectedException {
        byte[] euro = "price \u20ac".getBytes(StandardCharsets.UTF_8);
        byte[] cut = Arrays.copyOf(euro, euro.length - 1);

        assertThat(inspector.inspect("price.txt", 10_000, cut, null).type()).isEqualTo(DocumentType.TEXT);
        assertThat(rejection(() -> inspector.inspect("price.txt", cut.length, cut, null)).reason())
                .isEqualTo("undecodable");
    }

    @Test
    void refusesAHeadLongerThanTheDocument() {
        assertThatThrownBy(() -> inspector.inspect("a.txt", 2, new byte[] {'a', 'b', 'c'}, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static DocumentRejectedException rejection(ThrowingCallable call) {
        DocumentRejectedException rejected = catchThrowableOfType(DocumentRejectedException.class, call);
        assertThat(rejected).as("expected a rejection").isNotNull();
        return rejected;
    }
}
