package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --edit} runs $EDITOR on an owner-only file and reads back what it left. */
class ExternalEditorTest {

    @TempDir
    Path dir;

    @Test
    void theEditorChangesTheFileAndTheChangeIsReadBack() throws Exception {
        Path seen = dir.resolve("seen");
        Path editor = script("#!/bin/sh\nstat -c %a \"$1\" > " + seen + "\nsed -i 's/tool-a/tool-b/' \"$1\"\n");

        String edited = new ExternalEditor(editor.toString()).edit("m-1", "{\"toolId\":\"tool-a\"}");

        assertThat(edited).isEqualTo("{\"toolId\":\"tool-b\"}");
        assertThat(Files.readString(seen).strip()).isEqualTo("600");
    }

    @Test
    void anEditorThatFailsIsAnError() throws Exception {
        Path editor = script("#!/bin/sh\nexit 3\n");

        assertThatThrownBy(() -> new ExternalEditor(editor.toString()).edit("m-1", "{}"))
                .hasMessageContaining("exited with status 3");
    }

    private Path script(String text) throws Exception {
        Path script = dir.resolve("editor-" + System.nanoTime() + ".sh");
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
