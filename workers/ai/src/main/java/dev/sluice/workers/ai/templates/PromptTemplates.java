package dev.sluice.workers.ai.templates;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The prompt templates, versioned: {@code prompts/{name}/{version}/user.mustache} and an optional
 * {@code system.mustache}, versions numbered 1, 2, 3... A job names its template by its
 * {@code process} and gets the latest version unless it pins one with {@code templateVersion}.
 * Locally they come from the repo's {@code templates/prompts/} (bundled in the core jar); on AWS
 * from the {@code sluice-templates} bucket, where the same layout is uploaded.
 *
 * <p>Rendering is plain text (no HTML escaping). A variable the template uses but the job lacks is a
 * permanent failure naming it, never an empty string in a prompt; an optional part is a section
 * ({@code {{#tone}}...{{/tone}}}), left out when the job does not give it.
 */
public final class PromptTemplates {

    private static final String BUNDLED_ROOT = "sluice/templates/";
    private static final String USER = "user.mustache";
    private static final String SYSTEM = "system.mustache";
    // Names become paths: this keeps "../" and the like from reaching outside the template folder.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).strictSections(false);

    private final Source source;
    /** Versions never change once written; only the list of them grows. */
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    public PromptTemplates(Source source) {
        this.source = source;
    }

    /** The templates shipped in this build ({@code templates/prompts/} of the repo). */
    public static PromptTemplates bundled() {
        return new PromptTemplates(new BundledSource(PromptTemplates.class.getClassLoader()));
    }

    /** The templates in {@code bucket} under {@code prompts/}, the repo's layout. */
    public static PromptTemplates s3(S3Client s3, String bucket) {
        return new PromptTemplates(new S3Source(s3, bucket));
    }

    /** The versions of template {@code name}, ascending; empty when there is no such template. */
    public List<Integer> versions(String name) {
        return NAME.matcher(name).matches() ? source.versions(name) : List.of();
    }

    /** Version {@code version} of {@code name}, or its latest when {@code version} is null. */
    public Optional<PromptTemplate> find(String name, Integer version) {
        if (!NAME.matcher(name).matches() || (version != null && version < 1)) {
            return Optional.empty();
        }
        Integer chosen = version;
        if (chosen == null) {
            List<Integer> versions = source.versions(name);
            if (versions.isEmpty()) {
                return Optional.empty();
            }
            chosen = versions.get(versions.size() - 1);
        }
        int v = chosen;
        Optional<String> user = source.read(name, v, USER);
        return user.map(u -> new PromptTemplate(name, v, source.read(name, v, SYSTEM).orElse(null), u));
    }

    /** @throws TemplateNotFoundException when there is no such template or version */
    public PromptTemplate get(String name, Integer version) {
        return find(name, version).orElseThrow(() -> new TemplateNotFoundException(name, version));
    }

    /** {@code template} rendered with {@code variables}; a variable it lacks is a {@link TemplateRenderException}. */
    public RenderedPrompt render(PromptTemplate template, Map<String, Object> variables) {
        Compiled c = compiled.computeIfAbsent(template.id(), id -> new Compiled(
                template.system() == null ? null : compile(template, SYSTEM, template.system()),
                compile(template, USER, template.user())));
        return new RenderedPrompt(template.id(),
                c.system() == null ? null : execute(template, SYSTEM, c.system(), variables).strip(),
                execute(template, USER, c.user(), variables).strip());
    }

    private static Template compile(PromptTemplate template, String file, String body) {
        try {
            return COMPILER.compile(body);
        } catch (MustacheException e) {
            throw new IllegalStateException("prompt template " + template.id() + "/" + file
                    + " is not valid Mustache: " + e.getMessage(), e);
        }
    }

    private static String execute(PromptTemplate template, String file, Template compiled,
            Map<String, Object> variables) {
        try {
            return compiled.execute(variables);
        } catch (MustacheException.Context e) {
            throw new TemplateRenderException(template.id(), file, e.key, e.lineNo);
        }
    }

    private record Compiled(Template system, Template user) {
    }

    /** Where templates are read from: the bundle or a bucket. */
    public interface Source {

        /** The versions of {@code name}, ascending; empty when there is none. */
        List<Integer> versions(String name);

        /** The file of a version; empty when there is no such file. */
        Optional<String> read(String name, int version, String file);
    }

    /**
     * The bundle's templates. A class path cannot be listed, so versions are found by trying 1, 2, 3...
     * until one is missing: versions are numbered without gaps (PromptTemplatesTest holds the repo to it).
     */
    private record BundledSource(ClassLoader loader) implements Source {

        @Override
        public List<Integer> versions(String name) {
            List<Integer> versions = new ArrayList<>();
            for (int v = 1; read(name, v, USER).isPresent(); v++) {
                versions.add(v);
            }
            return versions;
        }

        @Override
        public Optional<String> read(String name, int version, String file) {
            try (InputStream in = loader.getResourceAsStream(BUNDLED_ROOT + key(name, version, file))) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record S3Source(S3Client s3, String bucket) implements Source {

        @Override
        public List<Integer> versions(String name) {
            String prefix = "prompts/" + name + "/";
            List<Integer> versions = new ArrayList<>();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)
                    .delimiter("/"))) {
                for (CommonPrefix p : page.commonPrefixes()) {
                    String v = p.prefix().substring(prefix.length(), p.prefix().length() - 1);
                    if (v.matches("[1-9][0-9]{0,8}")) {
                        versions.add(Integer.parseInt(v));
                    }
                }
            }
            versions.sort(null);
            return versions;
        }

        @Override
        public Optional<String> read(String name, int version, String file) {
            try {
                ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(key(name, version, file)));
                return Optional.of(bytes.asString(StandardCharsets.UTF_8));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        }
    }

    static String key(String name, int version, String file) {
        return "prompts/" + name + "/" + version + "/" + file;
    }
}
