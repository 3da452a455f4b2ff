package dev.sluice.workers.email;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The email templates: {@code <templateId>/subject.mustache}, {@code text.mustache} and an optional
 * {@code html.mustache}, from the repo's {@code templates/email/} (bundled in the core jar) or from a
 * folder on disk. Only HTML is escaped: text and subject are plain text, where {@code &amp;} would show
 * as such. A value the template uses but the data lacks is an error, never an empty string, so a
 * message never goes out reading "Hello ,". For the same reason sections are strict: a list the data
 * lacks is an error too, and a template that wants an optional part uses a flag that is present.
 */
public final class EmailTemplates {

    private static final String BUNDLED_ROOT = "sluice/templates/email/";
    // Ids become paths: this keeps "../" and the like from reaching outside the template folder.
    private static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Mustache.Compiler HTML = Mustache.compiler().strictSections(true);
    private static final Mustache.Compiler PLAIN = HTML.escapeHTML(false);
    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

    private final Source source;
    private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

    private EmailTemplates(Source source) {
        this.source = source;
    }

    /** The templates shipped in this build. */
    public static EmailTemplates bundled() {
        ClassLoader loader = EmailTemplates.class.getClassLoader();
        return new EmailTemplates(file -> {
            try (InputStream in = loader.getResourceAsStream(BUNDLED_ROOT + file)) {
                return in == null ? Optional.empty()
                        : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    /** Templates laid out under {@code dir} as in the repo's {@code templates/email/}. */
    public EmailTemplates(Path dir) {
        this(file -> {
            Path path = dir.resolve(file);
            return Files.isRegularFile(path) ? Optional.of(Files.readString(path)) : Optional.empty();
        });
    }

    public RenderedEmail render(String templateId, Map<String, Object> data)
            throws UnknownTemplateException, TemplateDataException {
        Compiled template = compiled(templateId);
        String subject = execute(templateId, "subject.mustache", template.subject(), data);
        String text = execute(templateId, "text.mustache", template.text(), data);
        String html = template.html() == null ? null : execute(templateId, "html.mustache", template.html(), data);
        // A header is one line: the file's trailing newline, or one inside a value, would break it.
        return new RenderedEmail(LINE_BREAK.matcher(subject.strip()).replaceAll(" "), text, html);
    }

    private Compiled compiled(String templateId) throws UnknownTemplateException {
        Compiled cached = cache.get(templateId);
        if (cached != null) {
            return cached;
        }
        if (!TEMPLATE_ID.matcher(templateId).matches()) {
            throw new UnknownTemplateException(templateId);
        }
        Optional<String> subject = read(templateId, "subject.mustache");
        Optional<String> text = read(templateId, "text.mustache");
        if (subject.isEmpty() || text.isEmpty()) {
            throw new UnknownTemplateException(templateId);
        }
        Compiled compiled = new Compiled(
                compile(templateId, "subject.mustache", PLAIN, subject.get()),
                compile(templateId, "text.mustache", PLAIN, text.get()),
                read(templateId, "html.mustache").map(h -> compile(templateId, "html.mustache", HTML, h)).orElse(null));
        // Two threads may compile the same template at once; either result will do.
        cache.putIfAbsent(templateId, compiled);
        return compiled;
    }

    private Optional<String> read(String templateId, String file) {
        try {
            return source.read(templateId + "/" + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read email template " + templateId + "/" + file, e);
        }
    }

    private static Template compile(String templateId, String file, Mustache.Compiler compiler, String body) {
        try {
            return compiler.compile(body);
        } catch (MustacheException e) {
            throw new IllegalStateException("email template " + templateId + "/" + file + " is not valid Mustache: "
                    + e.getMessage(), e);
        }
    }

    private static String execute(String templateId, String file, Template template, Map<String, Object> data)
            throws TemplateDataException {
        try {
            return template.execute(data);
        } catch (MustacheException.Context e) {
            throw new TemplateDataException(templateId, file, e.key, e.lineNo, e);
        }
    }

    private record Compiled(Template subject, Template text, Template html) {
    }

    /** Reads a file by its path under the template root; empty when there is no such file. */
    @FunctionalInterface
    private interface Source {
        Optional<String> read(String file) throws IOException;
    }
}
