package dev.sluice.workers.documents;

import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * HTML to plain text: each block element (paragraph, list item, div, table...) becomes a block, h1 to h6
 * set the heading path, and what a reader never sees as text (scripts, styles, templates, the head) is
 * dropped. A table stays one block with one line per row.
 */
final class HtmlText {

    private static final Set<String> INVISIBLE =
            Set.of("script", "style", "noscript", "template", "head", "iframe", "object", "svg", "canvas");
    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
    private static final Set<String> CELLS = Set.of("td", "th");
    private static final Set<String> ROW_GROUPS = Set.of("thead", "tbody", "tfoot");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");

    ExtractedText extract(String html) {
        Walk walk = new Walk();
        NodeTraversor.filter(walk, Jsoup.parse(html).body());
        walk.flush();
        return walk.out.build();
    }

    /** One pass over the body, gathering inline text until a block boundary flushes it. */
    private static final class Walk implements NodeFilter {

        private final SectionedText out = new SectionedText();
        private final HeadingPath headings = new HeadingPath();
        private final StringBuilder inline = new StringBuilder();

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                inline.append(text.text());
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element element)) {
                return FilterResult.CONTINUE;
            }
            String tag = element.normalName();
            if (INVISIBLE.contains(tag)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            if (HEADINGS.contains(tag)) {
                flush();
                String title = element.text().strip();
                if (!title.isEmpty()) {
                    out.moveTo(null, headings.enter(tag.charAt(1) - '0', title));
                    out.append(title);
                }
                return FilterResult.SKIP_ENTIRELY;
            }
            if (tag.equals("pre")) {
                flush();
                out.append(element.wholeText());
                return FilterResult.SKIP_ENTIRELY;
            }
            if (tag.equals("br")) {
                inline.append('\n');
            } else if (CELLS.contains(tag)) {
                inline.append(' ');
            } else if (isBlockBoundary(element)) {
                flush();
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element element) {
                if (element.normalName().equals("tr")) {
                    inline.append('\n');
                } else if (isBlockBoundary(element)) {
                    flush();
                }
            }
            return FilterResult.CONTINUE;
        }

        private static boolean isBlockBoundary(Element element) {
            String tag = element.normalName();
            return element.isBlock() && !tag.equals("br") && !tag.equals("tr")
                    && !CELLS.contains(tag) && !ROW_GROUPS.contains(tag);
        }

        /** Ends the current block: collapsed spaces, one line per line break, blank lines dropped. */
        void flush() {
            StringBuilder block = new StringBuilder();
            for (String line : inline.toString().split("\n")) {
                String collapsed = SPACES.matcher(line).replaceAll(" ").strip();
                if (!collapsed.isEmpty()) {
                    block.append(block.isEmpty() ? "" : "\n").append(collapsed);
                }
            }
            out.append(block.toString());
            inline.setLength(0);
        }
    }
}
