package dev.sluice.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.json.Json;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemasTest {

    private final Schemas schemas = Definitions.bundled().schemas();

    @Test
    void aValidSubmissionOfEachTypePasses() {
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"analytics.event","payload":{"toolId":"t","interactionType":"click","data":{},"timestamp":1}}
                """))).isEmpty();
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"email.send","priority":"high","payload":{"userId":"u","to":"u@example.com","templateId":"welcome","data":{},
                 "priority":"high","timestamp":1}}
                """))).isEmpty();
    }

    @Test
    void aMissingFieldIsNamed() {
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"ai.request","payload":{"sessionId":"s","userId":"u","process":"magicSpark","input":"hi",
                 "timestamp":1}}
                """))).extracting(Violation::field).containsExactly("payload.priority");
    }

    @Test
    void aWrongTypeAndAnUnknownFieldAreNamed() {
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"email.send","payload":{"userId":"u","to":"u@example.com","templateId":"welcome","data":{},"priority":"low",
                 "timestamp":"yesterday","cc":"x"}}
                """))).extracting(Violation::field)
                .containsExactly("payload.cc", "payload.priority", "payload.timestamp");
    }

    @Test
    void anUnknownJobTypeIsNamed() {
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"video.render","payload":{}}
                """))).extracting(Violation::field).containsExactly("type");
    }

    @Test
    void patternsAcceptNoTrailingLineTerminator() {
        assertThat(schemas.validate("api/create-document", Json.parse("{\"filename\":\"a.pdf\"}"))).isEmpty();
        assertThat(schemas.validate("api/create-document", Json.parse("{\"filename\":\"a.pdf\\n\"}")))
                .extracting(Violation::field).containsExactly("filename");
        assertThat(schemas.validate("api/create-document", Json.parse("{\"filename\":\"a.pdf\\r\\n\"}")))
                .extracting(Violation::field).containsExactly("filename");
        assertThat(schemas.validate("api/create-document",
                Json.parse("{\"filename\":\"a.pdf\",\"contentType\":\"text/plain; charset=utf-8\"}"))).isEmpty();
        for (String contentType : new String[] {"text/plain\\n", "text/plain\\n;x", "text/plain;\\nx-evil: 1"}) {
            assertThat(schemas.validate("api/create-document", Json.parse("{\"filename\":\"a.pdf\",\"contentType\":\""
                    + contentType + "\"}"))).as(contentType).extracting(Violation::field).containsExactly("contentType");
        }
        assertThat(schemas.validate("jobs/envelope", Json.parse("""
                {"type":"email.send","payload":{"userId":"u","to":"u@example.com\\n","templateId":"welcome\\n",
                 "data":{},"priority":"high","timestamp":1}}
                """))).extracting(Violation::field).containsExactly("payload.templateId", "payload.to");
    }

    @Test
    void aSchemaThatDoesNotCompileNamesItsFileWhenUsedOrWhenAllAreCompiled(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.schema.json"), """
                {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.sluice.dev/broken",
                 "type":"object","properties":{"x":{"$ref":"https://schemas.sluice.dev/nowhere"}}}""");
        Schemas lazy = Schemas.load(dir, "schemas/");

        assertThatThrownBy(() -> lazy.validate("broken", Json.parse("{\"x\":1}")))
                .isInstanceOf(DefinitionException.class).hasMessageStartingWith("schemas/broken.schema.json: does not compile");
        assertThatThrownBy(() -> Schemas.load(dir, "schemas/").compileAll())
                .isInstanceOf(DefinitionException.class).hasMessageStartingWith("schemas/broken.schema.json: does not compile");
    }

    @Test
    void aSchemaWithoutIdNamesItsFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.schema.json"),
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\"}");
        assertThatThrownBy(() -> Schemas.load(dir, "schemas/"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("schemas/broken.schema.json: \"$id\" is missing");
    }

    @Test
    void aSchemaThatIsNotJsonNamesItsFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.schema.json"), "{\"$schema\": ");
        assertThatThrownBy(() -> Schemas.load(dir, "schemas/"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("schemas/broken.schema.json: not valid JSON");
    }
}
