package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code GET /v1/search}: the chunks (or documents) of yours that best match a query, best first. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search your documents.")
final class SearchCommand implements Callable<Integer> {

    private static final int SNIPPET = 240;

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "QUERY", description = "What to look for, in words.")
    String query;

    @Option(names = {"-k", "--results"}, defaultValue = "5", description = "How many chunks (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--mode", description = "hybrid (words and meaning, the default), vector (meaning only) or"
            + " lexical (words only).")
    String mode;

    @Option(names = "--group", description = "chunk (the default) or document: each document once, by its best"
            + " chunk.")
    String group;

    @Option(names = "--document", paramLabel = "DOCUMENT_ID", description = "Only this document's chunks.")
    String documentId;

    @Option(names = "--prefix", paramLabel = "KEY_PREFIX", description = "Only documents whose key starts so.")
    String prefix;

    @Option(names = "--type", description = "Only documents of this type: text, markdown, html or pdf.")
    String type;

    @Option(names = "--json", description = "Print the API's JSON as it is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var cli = spec.commandLine();
        try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli))) {
            // The API checks every value and answers a bad one with a 400 naming it, printed as it is.
            StringBuilder path = new StringBuilder("/v1/search?q=").append(encode(query)).append("&k=").append(k);
            appendIfSet(path, "mode", mode);
            appendIfSet(path, "group", group);
            appendIfSet(path, "documentId", documentId);
            appendIfSet(path, "prefix", prefix);
            appendIfSet(path, "type", type);
            ApiResponse response = client.get(path.toString());
            if (json || response.status() >= 400) {
                return JobsCommand.print(spec, response);
            }
            PrintWriter out = cli.getOut();
            int rank = 1;
            for (JsonNode hit : response.body().path("results")) {
                List<String> where = new ArrayList<>();
                if (hit.has("page")) {
                    where.add("page " + hit.get("page").asInt());
                }
                List<String> headings = new ArrayList<>();
                hit.path("headingPath").forEach(h -> headings.add(h.asText()));
                if (!headings.isEmpty()) {
                    where.add(String.join(" > ", headings));
                }
                out.printf("%d. %.3f  %s%s%n", rank++, hit.path("score").asDouble(), hit.path("key").asText(),
                        where.isEmpty() ? "" : "  (" + String.join(", ", where) + ")");
                String text = hit.path("text").asText().replaceAll("\\s+", " ").strip();
                out.println("   " + (text.length() > SNIPPET ? text.substring(0, SNIPPET) + "…" : text));
            }
            if (rank == 1) {
                out.println("no results");
            }
            return 0;
        }
    }

    private static void appendIfSet(StringBuilder path, String name, String value) {
        if (value != null) {
            path.append('&').append(name).append('=').append(encode(value));
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
