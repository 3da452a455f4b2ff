package dev.sluice.cli;

import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.logs.LogFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code up} and {@code demo} share: reading the definitions, and saying what is running. */
final class Launch {

    private static final String ROUTE_INDENT = "    ";
    private static final int ROUTE_WIDTH = 100;

    private Launch() {
    }

    /** The definitions, or null after telling the user which file is wrong. */
    static Definitions load(Path definitions, PrintWriter err) {
        try {
            return definitions == null ? Definitions.bundled() : Definitions.load(definitions);
        } catch (DefinitionException e) {
            err.println("sluice: invalid definition: " + e.getMessage());
            return null;
        }
    }

    static String summary(LocalRuntime runtime, long startMillis) {
        Topology t = runtime.topology();
        var e = runtime.endpoints();
        long dlqs = t.queues().stream().filter(q -> q.hasDeadLetterQueue()).count();
        long triggers = t.functions().stream().filter(f -> f.sqsTrigger() != null).count();
        return String.join(System.lineSeparator(),
                "Sluice local runtime is up in " + startMillis + " ms; state in " + runtime.stateDir().toAbsolutePath(),
                String.format("  %-9s %-28s %s, %d with a DLQ", "sqs", e.sqs(), count(t.allQueueNames().size(), "queue"),
                        dlqs),
                String.format("  %-9s %-28s file-backed", "dynamodb", e.dynamodb()),
                String.format("  %-9s %-28s %s, %s", "events", e.events(), count(t.allEventBuses().size(), "bus"),
                        count(t.rules().size(), "rule")),
                String.format("  %-9s %-28s %s (path-style)", "s3", e.s3(), count(t.buckets().size(), "bucket")),
                String.format("  %-9s %-28s %s (ASL interpreter)", "sfn", e.stepFunctions(),
                        count(t.stateMachines().size(), "state machine")),
                String.format("  %-9s %-28s %s, %s", "lambda", "in-process", count(t.functions().size(), "function"),
                        count((int) triggers, "SQS trigger")),
                apis(t, e),
                String.format("  %-9s %-28s the functions' CloudWatch metrics (EMF), Prometheus text", "metrics",
                        e.metrics()),
                "  dev API key (tenant dev): " + e.devApiKey(),
                "For the AWS SDKs and CLI (an AWS CLI older than 2.13 needs --endpoint-url):",
                "  export AWS_REGION=" + e.region() + " AWS_DEFAULT_REGION=" + e.region()
                        + " AWS_ACCESS_KEY_ID=" + LocalRuntime.CREDENTIALS.accessKeyId()
                        + " AWS_SECRET_ACCESS_KEY=" + LocalRuntime.CREDENTIALS.secretAccessKey()
                        + " AWS_ENDPOINT_URL_SQS=" + e.sqs() + " AWS_ENDPOINT_URL_DYNAMODB=" + e.dynamodb()
                        + " AWS_ENDPOINT_URL_EVENTBRIDGE=" + e.events() + " AWS_ENDPOINT_URL_S3=" + e.s3()
                        + " AWS_ENDPOINT_URL_SFN=" + e.stepFunctions(),
                "  aws configure set default.s3.addressing_style path",
                "Endpoints: " + runtime.stateDir().resolve(dev.sluice.local.Endpoints.FILE),
                "Logs: " + LogFiles.directory(runtime.stateDir()) + "/ (a JSON-lines file per function, "
                        + LogFiles.RUNTIME + ".jsonl for the local services; follow with tail -f "
                        + LogFiles.directory(runtime.stateDir()) + "/*.jsonl)");
    }

    /** Each API of the topology, where it listens and its routes. */
    private static String apis(Topology t, dev.sluice.local.Endpoints e) {
        List<String> lines = new ArrayList<>();
        for (ApiSpec api : t.apis()) {
            boolean http = api.protocol() == ApiSpec.Protocol.HTTP;
            lines.add(String.format("  %-9s %-28s %s, %s; routes:", http ? "api" : "websocket",
                    http ? e.api() : e.webSocket(), api.name(),
                    http ? "header x-api-key" : "?apiKey=... to connect, results pushed"));
            StringBuilder line = new StringBuilder(ROUTE_INDENT);
            for (String route : api.routes()) {
                if (line.length() > ROUTE_INDENT.length() && line.length() + route.length() + 2 > ROUTE_WIDTH) {
                    lines.add(line.toString().stripTrailing());
                    line = new StringBuilder(ROUTE_INDENT);
                }
                line.append(route).append("  ");
            }
            lines.add(line.toString().stripTrailing());
        }
        return String.join(System.lineSeparator(), lines);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }
}
