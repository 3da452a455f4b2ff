package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentInspectorTest.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.documents.DocumentType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Text that says which character set it is in is read in that one, by Validate and Extract alike. */
class DeclaredCharsetTest {

    private final DocumentInspector inspector = new DocumentInspector(DocumentInspector.DEFAULT_MAX_BYTES);
    private final TextExtractor extractor = new TextExtractor();

    @Test
    void anHtmlMetaCharsetIsHonoured() throws DocumentRejectedException {
        byte[] html = Fixtures.bytes("latin1-meta.html");

        DocumentInspector.Inspection inspected = inspector.inspect("menu.html", html.length, html, "text/html");

        assertThat(inspected.type()).isEqualTo(DocumentType.HTML);
        assertThat(inspected.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(read(inspected, html).text()).contains("Caf\u00e9 du Parc")
                .contains("Cr\u00e8me br\u00fbl\u00e9e, tarte fine aux pommes et na\u00efve fa\u00e7ade");
    }

    @Test
    void anHtmlHttpEquivContentTypeIsHonoured() throws DocumentRejectedException {
        byte[] html = Fixtures.bytes("cp1252-http-equiv.html");

        DocumentInspector.Inspection inspected = inspector.inspect("prices.htm", html.length, html, null);

        assertThat(inspected.charset()).isEqualTo(Charset.forName("windows-1252"));
        assertThat(read(inspected, html).text())
                .contains("The \u201cpremium\u201d plan costs \u20ac12 \u2013 the basic one is free.");
    }

    @Test
    void theUploadsContentTypeCharsetIsHonouredForMarkdownAndText() throws DocumentRejectedException {
        byte[] markdown = Fixtures.bytes("latin1.md");

        DocumentInspector.Inspection inspected = inspector.inspect("recettes.md", markdown.length, markdown,
                "text/markdown; charset=ISO-8859-1");
        DocumentInspector.Inspection asText = inspector.inspect("recettes.txt", markdown.length, markdown,
                "text/plain;charset=\"iso-8859-1\"");

        assertThat(read(inspected, markdown).text()).contains("La cr\u00e8me br\u00fbl\u00e9e se pr\u00e9pare");
        assertThat(read(inspected, markdown).sections()).anySatisfy(s -> assertThat(s.headingPath())
                .containsExactly("Recettes"));
        assertThat(read(asText, markdown).text()).startsWith("# Recettes\n\nLa cr\u00e8me");
    }

    @Test
    void theContentTypeOutranksTheMetaDeclarationAndAByteOrderMarkOutranksBoth() throws DocumentRejectedException {
        byte[] html = Fixtures.bytes("latin1-meta.html");
        byte[] withBom = ("\uFEFF<meta charset=ISO-8859-1><p>na\u00efve</p>").getBytes(StandardCharsets.UTF_8);

        assertThat(inspector.inspect("menu.html", html.length, html, "text/html; charset=windows-1252").charset())
                .isEqualTo(Charset.forName("windows-1252"));
        DocumentInspector.Inspection bom = inspector.inspect("bom.html", withBom.length, withBom,
                "text/html; charset=ISO-8859-1");
        assertThat(bom.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(read(bom, withBom).text()).isEqualTo("na\u00efve");
    }

    @Test
    void withoutADeclarationTextIsStillUtf8AndLatin1IsStillRefused() {
        byte[] markdown = Fixtures.bytes("latin1.md");

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("recettes.md", markdown.length, markdown,
                "text/markdown"));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("UTF-8");
    }

    @Test
    void textThatIsNotWhatItDeclaresIsStillUndecodable() {
        // Declares UTF-8 but holds Latin-1 bytes.
        byte[] lying = "<meta charset=\"utf-8\"><p>Caf\u00e9</p>".getBytes(StandardCharsets.ISO_8859_1);
        // Shift_JIS lead byte 0x81 followed by a byte no trail byte can be.
        byte[] badShiftJis = {'a', (byte) 0x81, 0x20, 'b'};

        assertThat(rejection(() -> inspector.inspect("cafe.html", lying.length, lying, null)).reason())
                .isEqualTo("undecodable");
        DocumentRejectedException rejected = rejection(() -> inspector.inspect("a.txt", badShiftJis.length,
                badShiftJis, "text/plain; charset=Shift_JIS"));
        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("Shift_JIS");
        assertThat(rejection(() -> extractor.extract(DocumentType.TEXT, badShiftJis, Charset.forName("Shift_JIS"),
                Duration.ofSeconds(5))).reason()).isEqualTo("undecodable");
    }

    @Test
    void aCharsetNobodyKnowsIsUndecodableNamingIt() {
        byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);

        DocumentRejectedException rejected = rejection(() -> inspector.inspect("a.txt", text.length, text,
                "text/plain; charset=klingon-8"));

        assertThat(rejected.reason()).isEqualTo("undecodable");
        assertThat(rejected).hasMessageContaining("klingon-8");
    }

    private ExtractedText read(DocumentInspector.Inspection inspected, byte[] content)
            throws DocumentRejectedException {
        return extractor.extract(inspected.type(), content, inspected.charset(), Duration.ofSeconds(5));
    }
}
