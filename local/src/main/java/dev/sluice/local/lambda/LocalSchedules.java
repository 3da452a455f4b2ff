package dev.sluice.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge schedules: each function with a {@code rate(...)} schedule is invoked asynchronously
 * with a "Scheduled Event", the first time one period after start, as EventBridge does.
 */
public final class LocalSchedules implements AutoCloseable {

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("schedules").daemon(true).factory());

    public LocalSchedules(List<FunctionSpec> functions, LocalLambda lambda, AwsIdentity identity) {
        for (FunctionSpec f : functions) {
            if (f.schedule() == null) {
                continue;
            }
            long period = period(f.schedule()).toMillis();
            String ruleArn = "arn:aws:events:" + identity.region() + ":" + identity.accountId() + ":rule/schedule-"
                    + f.name();
            timer.scheduleAtFixedRate(() -> lambda.invokeAsync(f.name(), scheduledEvent(identity, ruleArn)),
                    period, period, TimeUnit.MILLISECONDS);
        }
    }

    static Duration period(String expression) {
        Matcher m = RATE.matcher(expression);
        if (!m.matches()) {
            throw new IllegalArgumentException("only rate() schedules run locally: " + expression);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static byte[] scheduledEvent(AwsIdentity identity, String ruleArn) {
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", identity.accountId());
        event.put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", identity.region());
        event.putArray("resources").add(ruleArn);
        event.putObject("detail");
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
