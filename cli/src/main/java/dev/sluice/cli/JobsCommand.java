package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.cli.where.Durations;
import dev.sluice.cli.where.Where;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.jobs.JobRetry;
import dev.sluice.operations.jobs.JobRetrySelection;
import dev.sluice.operations.jobs.RetryCandidate;
import dev.sluice.operations.select.MessagePattern;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice jobs submit|get|list|watch}: the API from the command line; {@code retry}: an operator's retry. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Submit jobs and follow their results;"
        + " retry failed ones (operators).",
        subcommands = {JobsCommand.Submit.class, JobsCommand.Get.class, JobsCommand.ListJobs.class,
                JobsCommand.Watch.class, JobsCommand.Retry.class})
final class JobsCommand {

    /** Exit status when the API answered with an error. */
    static final int API_ERROR = 3;

    private JobsCommand() {
    }

    static int print(CommandSpec spec, ApiResponse response) {
        (response.status() < 400 ? spec.commandLine().getOut() : spec.commandLine().getErr())
                .println(response.body() == null ? "HTTP " + response.status() : Json.writePretty(response.body()));
        return response.status() < 400 ? 0 : API_ERROR;
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "POST /v1/jobs, and with --wait"
            + " print the result when it is pushed.")
    static final class Submit implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Option(names = "--type", required = true, description = "ai.request, analytics.event or email.send")
        String type;

        @Option(names = "--priority", description = "high, normal or low")
        String priority;

        static final class Payload {
            @Option(names = "--payload", description = "The payload, as JSON.")
            String json;

            @Option(names = "--payload-file", description = "A file holding the payload JSON.")
            Path file;
        }

        @ArgGroup(multiplicity = "1")
        Payload payload;

        @Option(names = "--idempotency-key", description = "Repeat-safe: the same key returns the same job.")
        String idempotencyKey;

        @Option(names = "--wait", description = "Wait (up to 60 s) for the job's result over the WebSocket.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = Json.object();
            body.put("type", type);
            if (priority != null) {
                body.put("priority", priority);
            }
            String text = payload.json != null ? payload.json : Files.readString(payload.file);
            JsonNode parsed;
            try {
                parsed = Json.parse(text);
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("sluice: the payload is not JSON: " + e.getMessage());
                return 2;
            }
            body.set("payload", parsed);
            var cli = spec.commandLine();
            try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli))) {
                PushStream pushes = await ? client.connect(connection.webSocket(cli)) : null;
                try {
                    ApiResponse response = client.submit(Json.write(body), idempotencyKey);
                    int status = print(spec, response);
                    if (status != 0 || pushes == null) {
                        return status;
                    }
                    String jobId = response.body().get("jobId").asText();
                    // A streamed job's job.delta messages come first; the outcome holds the whole answer.
                    JsonNode result = pushes.next(m -> jobId.equals(m.path("jobId").asText())
                            && m.path("type").asText().matches("job\\.(completed|failed)"), Duration.ofSeconds(60));
                    if (result == null) {
                        cli.getErr().println("sluice: no result for " + jobId + " within 60 s; see `sluice jobs get "
                                + jobId + "`");
                        return 1;
                    }
                    cli.getOut().println(Json.writePretty(result));
                    return "job.completed".equals(result.path("type").asText()) ? 0 : 1;
                } finally {
                    if (pushes != null) {
                        pushes.close();
                    }
                }
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "GET /v1/jobs/{id}.")
    static final class Get implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Override
        public Integer call() throws Exception {
            var cli = spec.commandLine();
            try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli))) {
                return print(spec, client.get("/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8)));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "GET /v1/jobs: your jobs, newest first.")
    static final class ListJobs implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Option(names = "--status", description = "QUEUED, RUNNING, SUCCEEDED or FAILED")
        String status;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Option(names = "--cursor", description = "The nextCursor of the previous page.")
        String cursor;

        @Override
        public Integer call() throws Exception {
            StringBuilder query = new StringBuilder("/v1/jobs?limit=").append(limit);
            if (status != null) {
                query.append("&status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
            }
            if (cursor != null) {
                query.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            }
            var cli = spec.commandLine();
            try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli))) {
                return print(spec, client.get(query.toString()));
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = "Print every result pushed to you,"
            + " first those after --after-seq, until interrupted.")
    static final class Watch implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Option(names = "--after-seq", defaultValue = "-1", description = "Replay what was pushed after this seq"
                + " (the last 24 h are kept).")
        long afterSeq;

        @Override
        public Integer call() throws Exception {
            var cli = spec.commandLine();
            try (SluiceClient client = new SluiceClient(connection.api(cli), connection.apiKey(cli));
                    PushStream pushes = client.connect(connection.webSocket(cli))) {
                if (afterSeq >= 0) {
                    ObjectNode resume = Json.object();
                    resume.put("action", "resume");
                    resume.put("afterSeq", afterSeq);
                    pushes.send(resume);
                }
                while (pushes.isOpen()) {
                    JsonNode message = pushes.next(Duration.ofSeconds(1));
                    if (message != null) {
                        cli.getOut().println(Json.write(message));
                        cli.getOut().flush();
                    }
                }
                cli.getErr().println("sluice: the WebSocket closed");
                return 1;
            }
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Put FAILED jobs whose error is"
            + " retryable back through the path a DLQ replay takes: each job's \"Job Submitted\" event to its lane"
            + " queue(s) only, where the worker runs it again, its attempts continuing. Audited.")
    static final class Retry implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(arity = "0..1", paramLabel = "JOB_ID", description = "One job; or choose with --status and"
                + " --since.")
        String jobId;

        @Option(names = "--tenant", description = "The job's tenant. Without it a JOB_ID is looked for in every"
                + " tenant and a selection takes every tenant's jobs, which reads the whole jobs table.")
        String tenant;

        @Option(names = "--status", description = "FAILED: choose the jobs that failed since --since.")
        String status;

        @Option(names = "--since", converter = Durations.class, description = "With --status: failed within"
                + " this long, e.g. 30m, 24h, 7d.")
        Duration since;

        @Option(names = "--match", description = "An EventBridge event pattern over the job's \"Job Submitted\""
                + " event, e.g. {\"detail\":{\"type\":[\"ai.request\"]}}.")
        String match;

        @Option(names = "--limit", description = "At most N jobs of the selection, oldest failure first.")
        Integer limit;

        @Option(names = "--dry-run", description = "Print what would be retried; change nothing.")
        boolean dryRun;

        @Option(names = "--force", description = "Retry jobs replayed " + JobRetrySelection.LOOP_GUARD
                + " times already too.")
        boolean force;

        @Override
        public Integer call() {
            var cli = spec.commandLine();
            JobRetrySelection.ById byId = null;
            JobRetrySelection.Failed failed = null;
            if (jobId != null) {
                if (status != null || since != null || match != null || limit != null) {
                    throw new ParameterException(cli, "give a JOB_ID or --status FAILED --since DURATION"
                            + " [--match PATTERN] [--limit N], not both");
                }
                byId = new JobRetrySelection.ById(jobId, tenant, force);
            } else {
                if (status == null || since == null) {
                    throw new ParameterException(cli, "give a JOB_ID, or --status FAILED with --since DURATION");
                }
                if (!"FAILED".equalsIgnoreCase(status)) {
                    throw new ParameterException(cli, "--status must be FAILED: only failed jobs are retried");
                }
                if (limit != null && limit < 1) {
                    throw new ParameterException(cli, "--limit must be 1 or more, not " + limit);
                }
                MessagePattern pattern;
                try {
                    pattern = MessagePattern.of(match);
                } catch (MessagePattern.InvalidPatternException e) {
                    throw new ParameterException(cli, "--match: " + e.getMessage());
                }
                failed = new JobRetrySelection.Failed(Instant.now().minus(since), tenant, pattern,
                        limit == null ? Integer.MAX_VALUE : limit, force);
            }
            try (Deployment deployment = where.open(cli)) {
                JobRetry retry = new JobRetry(deployment, "cli", Clock.systemUTC());
                List<RetryCandidate> candidates;
                JobRetry.Result result = null;
                try {
                    if (dryRun) {
                        candidates = byId != null ? List.of(retry.plan(byId)) : retry.plan(failed);
                    } else {
                        result = byId != null ? retry.run(byId) : retry.run(failed);
                        candidates = result.candidates();
                    }
                } catch (JobRetrySelection.UnknownJobException e) {
                    throw new ParameterException(cli, e.getMessage());
                }
                return report(cli.getOut(), candidates, result, byId != null);
            }
        }

        private int report(PrintWriter out, List<RetryCandidate> candidates, JobRetry.Result result, boolean one) {
            for (RetryCandidate c : candidates) {
                String verdict = switch (c.verdict()) {
                    case RETRY -> result == null ? "would retry"
                            : result.failed().containsKey(c.job().jobId()) ? "FAILED to send" : "retried";
                    case SKIPPED -> "skipped";
                    case REFUSED -> "refused";
                };
                String why = c.verdict() == RetryCandidate.Verdict.RETRY
                        ? (result != null && result.failed().containsKey(c.job().jobId())
                                ? result.failed().get(c.job().jobId()) : "to " + String.join(", ", c.lanes()))
                        : c.why();
                out.printf("%-36s  %-12s  %-15s  attempts=%d replays=%d  %s: %s%n", c.job().jobId(),
                        c.job().tenantId(), c.job().type().wire(), c.job().attempts(), c.job().replays(), verdict, why);
            }
            long retry = candidates.stream().filter(c -> c.verdict() == RetryCandidate.Verdict.RETRY).count();
            long skipped = candidates.stream().filter(c -> c.verdict() == RetryCandidate.Verdict.SKIPPED).count();
            long refused = candidates.stream().filter(c -> c.verdict() == RetryCandidate.Verdict.REFUSED).count();
            if (result == null) {
                out.println("dry run: would retry " + retry + ", skip " + skipped + ", refuse " + refused
                        + "; nothing was sent");
                out.flush();
                return 0;
            }
            long failedSends = result.failed().size();
            out.println("retried " + result.retried().size() + ", skipped " + skipped + ", refused " + refused
                    + ", failed " + failedSends);
            out.flush();
            return failedSends > 0 || refused > 0 || (one && result.retried().isEmpty()) ? 1 : 0;
        }
    }
}
