package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.OperatorConsole.UsageException;
import dev.sluice.cli.where.Where;
import dev.sluice.core.documents.Document;
import dev.sluice.core.json.Json;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.documents.DocumentRetry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice documents retry}: put failed documents back through ingestion. */
@Command(name = "documents", mixinStandardHelpOptions = true, description = "Operate on documents.",
        subcommands = DocumentsCommand.Retry.class)
final class DocumentsCommand {

    private DocumentsCommand() {
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Start a fresh ingestion of a FAILED"
            + " document's current upload (a new execution: the ingestion's Catch makes a redrive useless).")
    static final class Retry implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(paramLabel = "ID", arity = "0..1", description = "The document's id.")
        String documentId;

        @Option(names = "--failed", description = "Every document FAILED within --since.")
        boolean failed;

        @Option(names = "--since", paramLabel = "DURATION", description = "With --failed: 30m, 24h, 7d.")
        String since;

        @Option(names = "--force", description = "Also a document still PROCESSING.")
        boolean force;

        @Option(names = "--json", description = "One JSON document on stdout.")
        boolean json;

        @Override
        public Integer call() {
            try {
                if ((documentId == null) == !failed) {
                    throw new UsageException("name one document ID, or --failed --since DURATION");
                }
                if (failed && since == null) {
                    throw new UsageException("--failed needs --since DURATION (30m, 24h, 7d)");
                }
                Instant from = failed ? OperatorConsole.since(since) : null;
                try (Deployment deployment = OperatorConsole.open(where, spec)) {
                    DocumentRetry retry = new DocumentRetry(deployment, Clock.systemUTC());
                    List<Document> chosen;
                    try {
                        chosen = failed ? retry.failedSince(from) : retry.withId(documentId);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                    Map<String, String> selection = new LinkedHashMap<>();
                    if (failed) {
                        selection.put("failedSince", from.toString());
                    } else {
                        selection.put("documentId", documentId);
                    }
                    DocumentRetry.Report report = retry.retry(chosen, force, selection, "cli");
                    print(report);
                    return report.count(DocumentRetry.Result.FAILED) > 0 ? 1 : 0;
                }
            } catch (UsageException e) {
                return OperatorConsole.usage(spec, e.getMessage());
            }
        }

        private void print(DocumentRetry.Report report) {
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode documents = o.putArray("documents");
                for (DocumentRetry.Outcome r : report.outcomes()) {
                    documents.addObject().put("documentId", r.documentId()).put("tenantId", r.tenantId())
                            .put("result", r.result().name()).put("reason", r.reason())
                            .put("executionArn", r.executionArn());
                }
                o.put("auditId", report.audit().id());
                out.println(Json.writePretty(o));
            } else {
                for (DocumentRetry.Outcome r : report.outcomes()) {
                    out.printf("%-36s  %-12s  %-7s  %s%n", r.documentId(), r.tenantId(), r.result(),
                            r.executionArn() != null ? r.executionArn() + " (" + r.reason() + ")" : r.reason());
                }
            }
            spec.commandLine().getErr().printf("retried %d document(s): %d started, %d skipped, %d failed%n",
                    report.outcomes().size(), report.count(DocumentRetry.Result.STARTED),
                    report.count(DocumentRetry.Result.SKIPPED), report.count(DocumentRetry.Result.FAILED));
        }
    }
}
