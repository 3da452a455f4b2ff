package dev.sluice.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.DefinitionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JSON Schemas (draft 2020-12) under {@code schemas/}, each compiled once and addressed by their
 * path without the suffix: {@code jobs/ai.request}, {@code events/job-submitted}. Schemas refer to
 * each other by {@code $id}, and every {@code $id} resolves to a file here, never to the network.
 */
public final class Schemas {

    private static final String SUFFIX = ".schema.json";
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private final Map<String, String> idByName;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final String displayPrefix;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private Schemas(Map<String, String> idByName, JsonSchemaFactory factory, SchemaValidatorsConfig config,
            String displayPrefix) {
        this.idByName = idByName;
        this.factory = factory;
        this.config = config;
        this.displayPrefix = displayPrefix;
    }

    /**
     * Reads every {@code *.schema.json} under {@code dir}; a broken file names itself. A schema is
     * compiled when first used, so a handler that validates one kind of body compiles that one and
     * what it refers to, not all of them, at its cold start; {@link #compileAll()} compiles every one now.
     */
    public static Schemas load(Path dir, String displayPrefix) {
        Map<String, String> contentById = new LinkedHashMap<>();
        Map<String, String> idByName = new LinkedHashMap<>();
        for (Path file : schemaFiles(dir)) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            String display = displayPrefix + relative;
            String text = read(file);
            JsonNode node;
            try {
                node = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw new DefinitionException(display, e.getMessage());
            }
            if (!DRAFT_2020_12.equals(node.path("$schema").asText())) {
                throw new DefinitionException(display, "\"$schema\" must be \"" + DRAFT_2020_12 + "\"");
            }
            String id = node.path("$id").asText("");
            if (id.isEmpty()) {
                throw new DefinitionException(display, "\"$id\" is missing");
            }
            if (contentById.put(id, text) != null) {
                throw new DefinitionException(display, "\"$id\" " + id + " is used by another schema");
            }
            idByName.put(relative.substring(0, relative.length() - SUFFIX.length()), id);
        }
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaLoaders(loaders -> loaders.schemas(contentById)));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .formatAssertionsEnabled(true)
                .locale(Locale.ENGLISH)
                .regularExpressionFactory(EcmaEndAnchors.INSTANCE)
                .build();
        return new Schemas(idByName, factory, config, displayPrefix);
    }

    /** Compiles every schema now: a broken one stops whoever loads the definitions, naming its file. */
    public Schemas compileAll() {
        idByName.keySet().forEach(this::schema);
        return this;
    }

    public Set<String> names() {
        return idByName.keySet();
    }

    /** Every violation of schema {@code name} by {@code document}, ordered by field; empty when valid. */
    public List<Violation> validate(String name, JsonNode document) {
        return schema(name).validate(document).stream()
                .map(Schemas::toViolation)
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .distinct()
                .toList();
    }

    private JsonSchema schema(String name) {
        String id = idByName.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no schema named " + name + "; have " + idByName.keySet());
        }
        return compiled.computeIfAbsent(name, n -> {
            try {
                JsonSchema schema = factory.getSchema(SchemaLocation.of(id), config);
                schema.initializeValidators(); // resolves every $ref now, not at first use
                return schema;
            } catch (RuntimeException e) {
                throw new DefinitionException(displayPrefix + n + SUFFIX, "does not compile: " + e.getMessage(), e);
            }
        });
    }

    private static Violation toViolation(ValidationMessage m) {
        String location = m.getInstanceLocation().toString();
        String field = location.equals("$") ? "" : location.substring(2);
        // "required" and "additionalProperties" point at the parent object; name the field itself.
        if (m.getProperty() != null && ("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))) {
            field = field.isEmpty() ? m.getProperty() : field + "." + m.getProperty();
        }
        return new Violation(field, m.getMessage());
    }

    private static List<Path> schemaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
