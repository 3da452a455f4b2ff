package dev.sluice.workers.ai.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PromptTemplatesTest {

    private static final Path REPO_PROMPTS = Path.of("../../templates/prompts");
    private final PromptTemplates templates = PromptTemplates.bundled();

    @Test
    void everyProcessHasATemplateAndEveryTemplatesVersionsRunFromOneWithoutAGap() throws IOException {
        JsonNode schema = Json.parse(Files.readString(Path.of("../../schemas/jobs/ai.request.schema.json")));
        List<String> processes = new ArrayList<>();
        schema.at("/properties/process/enum").forEach(p -> processes.add(p.asText()));
        try (Stream<Path> dirs = Files.list(REPO_PROMPTS)) {
            assertThat(dirs.map(d -> d.getFileName().toString())).containsExactlyInAnyOrderElementsOf(processes);
        }
        for (String process : processes) {
            List<Integer> onDisk;
            try (Stream<Path> versions = Files.list(REPO_PROMPTS.resolve(process))) {
                onDisk = versions.map(v -> Integer.parseInt(v.getFileName().toString())).sorted().toList();
            }
            // The bundle cannot be listed: it finds versions by counting up, so a gap would hide the rest.
            assertThat(onDisk).as(process).isEqualTo(IntStream.rangeClosed(1, onDisk.size()).boxed().toList());
            assertThat(templates.versions(process)).as(process).isEqualTo(onDisk);
            for (int v : onDisk) {
                assertThat(REPO_PROMPTS.resolve(process + "/" + v + "/user.mustache")).isRegularFile();
            }
        }
    }

    @Test
    void theLatestVersionUnlessOneIsNamed() {
        assertThat(templates.versions("magicSpark")).containsExactly(1, 2);
        assertThat(templates.get("magicSpark", null).version()).isEqualTo(2);
        assertThat(templates.get("magicSpark", 1).id()).isEqualTo("magicSpark@1");
    }

    @Test
    void aMissingTemplateOrVersionIsAPermanentFailureNamingIt() {
        assertThatThrownBy(() -> templates.get("poetBot", null)).isInstanceOfSatisfying(TemplateNotFoundException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("template_not_found");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("no prompt template poetBot");
                });
        assertThatThrownBy(() -> templates.get("magicSpark", 3))
                .hasMessage("no version 3 of prompt template magicSpark");
        assertThat(templates.find("../email/welcome", null)).isEmpty();
        assertThat(templates.versions("../email")).isEmpty();
    }

    @Test
    void variablesRenderAsPlainTextAndAnOptionalSectionIsLeftOutWhenNotGiven() {
        PromptTemplate v2 = templates.get("magicSpark", 2);

        RenderedPrompt with = templates.render(v2, Map.of("input", "Names for <Tea & Co>?", "count", 4,
                "audience", "students"));
        RenderedPrompt without = templates.render(v2, Map.of("input", "Names?"));

        assertThat(with.template()).isEqualTo("magicSpark@2");
        assertThat(with.user()).isEqualTo("Names for <Tea & Co>?\n\nThe ideas are for: students.");
        assertThat(with.system()).contains("exactly 4 fresh").doesNotContain("five");
        assertThat(without.user()).isEqualTo("Names?");
        assertThat(without.system()).contains("five fresh");
    }

    @Test
    void aVariableTheJobLacksFailsPermanentlyNamingIt() {
        PromptTemplate noInput = templates.get("logicArchitect", 1);

        assertThatThrownBy(() -> templates.render(noInput, Map.of("question", "x")))
                .isInstanceOfSatisfying(TemplateRenderException.class, e -> {
                    assertThat(e.code()).isEqualTo("template_variable_missing");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("logicArchitect@1", "input");
                });
    }
}
