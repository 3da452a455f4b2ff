package dev.sluice.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Each stage synthesized once per test JVM (a synth takes seconds), read back as CloudFormation JSON. */
final class Synthesized {

    static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();
    static final Definitions DEFINITIONS = Definitions.bundled();
    private static final Map<String, Synthesized> STAGES = new ConcurrentHashMap<>();

    final String stage;
    final Path outdir;
    final JsonNode template;
    final int resourceCount;

    private Synthesized(String stage) {
        this.stage = stage;
        try {
            outdir = Files.createTempDirectory("sluice-synth-" + stage);
            var synthesized = SluiceApp.synth(DEFINITIONS, stage, ROOT, outdir);
            resourceCount = synthesized.resourceCounts().get(SluiceStack.name(stage));
            template = Json.MAPPER.readTree(outdir.resolve(SluiceStack.name(stage) + ".template.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Synthesized stage(String stage) {
        return STAGES.computeIfAbsent(stage, Synthesized::new);
    }

    /** Resources of a CloudFormation type, by logical id. */
    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new java.util.LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** The one resource whose logical id is {@code prefix} plus CDK's 8-character hash. */
    Map.Entry<String, JsonNode> resource(String type, String prefix) {
        List<Map.Entry<String, JsonNode>> matches = new ArrayList<>();
        resources(type).entrySet().stream().filter(e -> e.getKey().matches(prefix + "[0-9A-F]{8}"))
                .forEach(matches::add);
        if (matches.size() != 1) {
            throw new AssertionError(type + " " + prefix + ": " + matches.size() + " matches in " + resources(type).keySet());
        }
        return matches.get(0);
    }

    static String ref(JsonNode node) {
        if (node.has("Ref")) {
            return node.get("Ref").asText();
        }
        if (node.has("Fn::GetAtt")) {
            return node.get("Fn::GetAtt").get(0).asText();
        }
        return null;
    }

    /** Every logical id {@code node} refers to, at any depth. */
    static List<String> refs(JsonNode node) {
        List<String> found = new ArrayList<>();
        collect(node, found);
        return found;
    }

    private static void collect(JsonNode node, List<String> found) {
        String ref = node.isObject() ? ref(node) : null;
        if (ref != null) {
            found.add(ref);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), found);
        }
    }
}
