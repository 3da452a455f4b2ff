package dev.sluice.workers.documents;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;

/**
 * Markdown to plain text: each paragraph, list item paragraph, code block and heading becomes a block of
 * its words with the markup gone (link targets, emphasis markers, list bullets); headings also set the
 * heading path of what follows.
 */
final class MarkdownText {

    private final Parser parser = Parser.builder().build();

    ExtractedText extract(String markdown) {
        SectionedText out = new SectionedText();
        HeadingPath headings = new HeadingPath();
        parser.parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                String title = inlineText(heading).strip();
                if (!title.isEmpty()) {
                    out.moveTo(null, headings.enter(heading.getLevel(), title));
                    out.append(title);
                }
            }

            @Override
            public void visit(Paragraph paragraph) {
                out.append(inlineText(paragraph));
            }

            @Override
            public void visit(FencedCodeBlock code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(IndentedCodeBlock code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(HtmlBlock html) {
                // Raw HTML in Markdown is still prose for the reader; keep its text, not its tags.
                out.append(Jsoup.parseBodyFragment(html.getLiteral()).text());
            }
        });
        return out.build();
    }

    /** The words of an inline container: link and image children are their visible text and alt text. */
    private static String inlineText(Node block) {
        StringBuilder text = new StringBuilder();
        block.accept(new AbstractVisitor() {
            @Override
            public void visit(Text node) {
                text.append(node.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                text.append('\n');
            }

            @Override
            public void visit(HardLineBreak lineBreak) {
                text.append('\n');
            }

            @Override
            public void visit(HtmlInline html) {
                // a tag such as <br> or <span>: markup, not text
            }
        });
        return text.toString();
    }
}
