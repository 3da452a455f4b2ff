package dev.sluice.cli;

import dev.sluice.core.keys.ApiKey;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.core.keys.UsageLimits;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sluice keys create|list|revoke}: API keys, straight in their table (an operator's tool). */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

    private KeysCommand() {
    }

    /** The key table of the local runtime in --dir, or with --aws the one in your AWS account. */
    static final class Table {

        @Option(names = "--dir", defaultValue = ".sluice", description = "State directory of a running `sluice up`"
                + " (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--aws", description = "Use the table in AWS (the SDK's usual credentials and region).")
        boolean aws;

        @Option(names = "--table", defaultValue = "sluice-api-keys", description = "Default: ${DEFAULT-VALUE}.")
        String table;

        ApiKeys open(picocli.CommandLine cli) throws java.io.IOException {
            DynamoDbClient dynamoDb;
            if (aws) {
                dynamoDb = DynamoDbClient.create();
            } else {
                if (!Files.exists(dir.resolve(Endpoints.FILE))) {
                    throw new ParameterException(cli, "no Sluice runtime in " + dir.toAbsolutePath()
                            + ": start one with `sluice up`, or pass --aws");
                }
                Endpoints e = Endpoints.read(dir);
                dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), e.dynamodb(), e.region());
            }
            return new ApiKeys(dynamoDb, table);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is shown"
            + " once.")
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Table table;

        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--user", required = true)
        String user;

        @Option(names = "--name", defaultValue = "")
        String name;

        @Option(names = "--rate", defaultValue = "100", description = "Requests per second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--burst", defaultValue = "50", description = "Burst (default: ${DEFAULT-VALUE}).")
        int burst;

        @Option(names = "--quota", defaultValue = "10000", description = "Requests per month"
                + " (default: ${DEFAULT-VALUE}).")
        long quota;

        @Override
        public Integer call() throws Exception {
            if (!tenant.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new ParameterException(spec.commandLine(), "--tenant must be 1-64 of A-Z a-z 0-9 _ -");
            }
            IssuedKey issued = table.open(spec.commandLine()).create(tenant, user, name,
                    new UsageLimits(rate, burst, quota), System.currentTimeMillis());
            PrintWriter out = spec.commandLine().getOut();
            out.println("key id:  " + issued.key().keyId());
            out.println("secret:  " + issued.secret());
            out.println("Keep the secret now: only its SHA-256 hash is stored.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Table table;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-16s %-12s %-12s %-8s %-20s %-14s %s%n", "KEY ID", "TENANT", "USER", "STATE", "CREATED",
                    "RATE/BURST", "USED THIS MONTH");
            for (ApiKey k : table.open(spec.commandLine()).list()) {
                out.printf("%-16s %-12s %-12s %-8s %-20s %-14s %d/%d (%s)%n", k.keyId(), k.tenantId(), k.userId(),
                        k.revokedAt() == null ? "active" : "revoked",
                        Instant.ofEpochMilli(k.createdAt()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        (long) k.limits().ratePerSecond() + "/" + k.limits().burst(), k.usedThisMonth(),
                        k.limits().monthlyQuota(), k.month());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once.")
    static final class Revoke implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Table table;

        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        @Override
        public Integer call() throws Exception {
            if (!table.open(spec.commandLine()).revoke(keyId, System.currentTimeMillis())) {
                spec.commandLine().getErr().println("sluice: no key " + keyId);
                return 1;
            }
            spec.commandLine().getOut().println("revoked " + keyId);
            return 0;
        }
    }
}
