package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads files (or the documents in folders) to the documents bucket through the S3 API, under the
 * tenant's prefix, then follows each one's ingestion, pushed over the WebSocket, until it is READY
 * or FAILED.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Upload documents and wait until they"
        + " are searchable (or say why not).")
final class IngestCommand implements Callable<Integer> {

    static final Set<String> EXTENSIONS = Set.of("txt", "md", "markdown", "html", "htm", "pdf");
    private static final int BAR = 24;

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files, or folders whose .txt .md .html .pdf"
            + " files are uploaded (recursively).")
    List<Path> paths;

    @Option(names = "--tenant", defaultValue = "dev", description = "Tenant prefix of the keys (default: the local"
            + " dev key's tenant, ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--bucket", defaultValue = "sluice-documents", description = "Documents bucket (default:"
            + " ${DEFAULT-VALUE}).")
    String bucket;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for all documents"
            + " (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        var cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        Map<String, Path> files = files(out);
        if (files.isEmpty()) {
            cli.getErr().println("no documents to upload");
            return 1;
        }
        Endpoints local = connection.local(cli);
        try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli));
                PushStream pushes = client.connect(connection.webSocket(cli));
                S3Client s3 = LocalRuntime.client(S3Client.builder().forcePathStyle(true), local.s3(), local.region())) {
            Map<String, Progress> byDocument = new LinkedHashMap<>();
            for (Map.Entry<String, Path> f : files.entrySet()) {
                s3.putObject(b -> b.bucket(bucket).key(f.getKey()), RequestBody.fromFile(f.getValue()));
                byDocument.put(DocumentIds.of(bucket, f.getKey()), new Progress(f.getKey()));
            }
            out.println("uploaded " + files.size() + " document(s) to s3://" + bucket + "/" + tenant + "/");
            return follow(client, pushes, byDocument, out);
        }
    }

    /** The keys to upload, each file under {tenant}/ by its name or its path inside the folder given. */
    private Map<String, Path> files(PrintWriter out) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        int skipped = 0;
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(path)) {
                    found = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : found) {
                    if (EXTENSIONS.contains(extension(file))) {
                        files.put(tenant + "/" + path.getFileName() + "/" + path.relativize(file).toString()
                                .replace('\\', '/'), file);
                    } else {
                        skipped++;
                    }
                }
            } else if (Files.isRegularFile(path)) {
                files.put(tenant + "/" + path.getFileName(), path);
            } else {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no such file: " + path);
            }
        }
        if (skipped > 0) {
            out.println("skipped " + skipped + " file(s) that are not .txt .md .html or .pdf");
        }
        return files;
    }

    private int follow(SluiceClient client, PushStream pushes, Map<String, Progress> documents, PrintWriter out)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (documents.values().stream().anyMatch(p -> p.status == null) && System.nanoTime() < deadline) {
            JsonNode push = pushes.next(m -> documents.containsKey(m.path("documentId").asText()),
                    Duration.ofSeconds(2));
            if (push != null) {
                documents.get(push.get("documentId").asText()).apply(push, out);
                continue;
            }
            // Quiet for a while: ask, in case a push was missed (the socket dropped, say).
            for (Map.Entry<String, Progress> d : documents.entrySet()) {
                if (d.getValue().status == null) {
                    ApiResponse r = client.get("/v1/documents/" + d.getKey());
                    if (r.status() == 200) {
                        d.getValue().applyRow(r.body(), out);
                    }
                }
            }
        }
        int failed = 0;
        for (Progress p : documents.values()) {
            if (!"READY".equals(p.status)) {
                failed++;
            }
        }
        out.println(documents.size() - failed + " ready, " + failed + " not");
        return failed == 0 ? 0 : 1;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** One document's progress line. */
    private static final class Progress {
        private final String key;
        private String status;

        Progress(String key) {
            this.key = key;
        }

        void apply(JsonNode push, PrintWriter out) {
            switch (push.path("type").asText()) {
                case "document.progress" -> {
                    long done = push.path("done").asLong();
                    long total = Math.max(1, push.path("total").asLong());
                    int filled = (int) (BAR * done / total);
                    out.printf("%-9s [%s%s] %d/%d  %s%n", push.path("stage").asText(), "#".repeat(filled),
                            ".".repeat(BAR - filled), done, total, key);
                }
                case "document.ready" -> finish("READY", push.path("chunks").asInt() + " chunks", out);
                case "document.failed" -> finish("FAILED", push.path("error").path("code").asText() + ": "
                        + push.path("error").path("message").asText(), out);
                default -> {
                }
            }
            out.flush();
        }

        void applyRow(JsonNode row, PrintWriter out) {
            String s = row.path("status").asText();
            if (s.equals("READY")) {
                finish(s, row.path("chunks").asInt() + " chunks", out);
            } else if (s.equals("FAILED")) {
                finish(s, row.path("error").path("code").asText() + ": " + row.path("error").path("message")
                        .asText(), out);
            }
        }

        private void finish(String status, String detail, PrintWriter out) {
            if (this.status == null) {
                this.status = status;
                out.println(status + "  " + key + "  (" + detail + ")");
            }
        }
    }
}
