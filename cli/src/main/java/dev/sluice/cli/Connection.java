package dev.sluice.cli;

import dev.sluice.local.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where the client commands find Sluice: the API URL and key given as options (or {@code SLUICE_API_URL},
 * {@code SLUICE_API_KEY}, {@code SLUICE_WEBSOCKET_URL}), else those of the local runtime in {@code --dir}.
 */
final class Connection {

    @Option(names = "--dir", defaultValue = ".sluice", description = "State directory of a running `sluice up`"
            + " (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--api", defaultValue = "${env:SLUICE_API_URL}", description = "API base URL"
            + " (default: the local runtime's).")
    URI api;

    @Option(names = "--websocket", defaultValue = "${env:SLUICE_WEBSOCKET_URL}", description = "WebSocket URL"
            + " (default: the local runtime's).")
    URI webSocket;

    @Option(names = "--api-key", defaultValue = "${env:SLUICE_API_KEY}", description = "API key"
            + " (default: the local runtime's dev key).")
    String apiKey;

    Endpoints local(picocli.CommandLine commandLine) {
        if (!Files.exists(dir.resolve(Endpoints.FILE))) {
            throw new ParameterException(commandLine, "no Sluice runtime in " + dir.toAbsolutePath()
                    + ": start one with `sluice up`, or pass --api and --api-key");
        }
        try {
            return Endpoints.read(dir);
        } catch (IOException e) {
            throw new ParameterException(commandLine, "cannot read " + dir.resolve(Endpoints.FILE) + ": " + e);
        }
    }

    URI api(picocli.CommandLine commandLine) {
        return api != null ? api : local(commandLine).api();
    }

    URI webSocket(picocli.CommandLine commandLine) {
        return webSocket != null ? webSocket : local(commandLine).webSocket();
    }

    String apiKey(picocli.CommandLine commandLine) {
        return apiKey != null ? apiKey : local(commandLine).devApiKey();
    }
}
