package dev.sluice.cli;

import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.logs.LogFiles;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What {@code up} and {@code demo} share: reading the definitions, and saying what is running. */
final class Launch {

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
                String.format("  %-9s %-28s /v1/jobs, /v1/documents, /v1/search (header x-api-key)", "api", e.api()),
                String.format("  %-9s %-28s results pushed; ?apiKey=... to connect", "websocket", e.webSocket()),
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

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }
}
