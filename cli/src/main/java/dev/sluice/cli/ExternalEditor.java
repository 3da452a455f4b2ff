package dev.sluice.cli;

import dev.sluice.operations.dlq.MessageEditor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's {@code $EDITOR} (else {@code vi}) on a message: written to an owner-only temporary file, the editor
 * run on it with this terminal, the file read back and removed. The command may carry arguments
 * ({@code EDITOR="code --wait"}).
 */
final class ExternalEditor implements MessageEditor {

    private final String command;

    ExternalEditor(String command) {
        this.command = command == null || command.isBlank() ? "vi" : command;
    }

    static ExternalEditor fromEnvironment() {
        return new ExternalEditor(System.getenv("EDITOR"));
    }

    @Override
    public String edit(String messageId, String json) throws IOException, InterruptedException {
        Path file = Files.createTempFile("sluice-dlq-" + messageId.replaceAll("[^A-Za-z0-9-]", "_") + "-", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>(List.of(command.trim().split("\\s+")));
            argv.add(file.toString());
            int status = new ProcessBuilder(argv).inheritIO().start().waitFor();
            if (status != 0) {
                throw new IOException(command + " exited with status " + status);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
