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

/** {@code GET /v1/search}: the chunks of your documents nearest to a query, best first. */
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

    @Option(names = "--json", description = "Print the API's JSON as it is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var cli = spec.commandLine();
        try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli))) {
            ApiResponse response = client.get("/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                    + "&k=" + k);
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
}
