package dev.sluice.cli;

import dev.sluice.core.keys.ApiKey;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.core.keys.KeyRole;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.apigw.UsageMeter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code sluice keys create|list|revoke}: API keys, straight in their table (an operator's tool). A key
 * names the usage plan of the HTTP API that meters it, and its role: a tenant's (the default) or an
 * admin's, which also opens the admin API; locally, {@code list} shows what the gateway counted of each
 * key this period.
 */
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

        @Option(names = "--plan", defaultValue = UsagePlanSpec.DEFAULT, description = "The usage plan that meters"
                + " the key: one of the HTTP API's (default: ${DEFAULT-VALUE}).")
        String plan;

        @Option(names = "--admin", description = "An admin key: it also opens the admin API (/v1/admin/...: every"
                + " tenant's dead-letter queues, replays). Default: a tenant's key.")
        boolean admin;

        @Option(names = "--definitions", description = "Definitions whose usage plans --plan must name, as given to"
                + " `sluice up --definitions` (default: the bundled ones).")
        Path definitions;

        @Override
        public Integer call() throws Exception {
            if (!tenant.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new ParameterException(spec.commandLine(), "--tenant must be 1-64 of A-Z a-z 0-9 _ -");
            }
            List<String> plans = (definitions == null ? Definitions.bundled() : Definitions.load(definitions))
                    .topology().apis().stream().filter(a -> a.protocol() == ApiSpec.Protocol.HTTP)
                    .flatMap(a -> a.usagePlans().stream()).map(UsagePlanSpec::name).toList();
            if (!plans.contains(plan)) {
                throw new ParameterException(spec.commandLine(), "--plan must be one of the API's usage plans: "
                        + String.join(", ", plans));
            }
            IssuedKey issued = table.open(spec.commandLine()).create(tenant, user, name, plan,
                    admin ? KeyRole.ADMIN : KeyRole.TENANT, System.currentTimeMillis());
            PrintWriter out = spec.commandLine().getOut();
            out.println("key id:  " + issued.key().keyId());
            out.println("plan:    " + issued.key().usagePlan());
            out.println("role:    " + issued.key().role().wire());
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
            Map<String, UsageMeter.Usage> usage = table.aws ? Map.of() : gatewayUsage(table.dir);
            out.printf("%-16s %-12s %-12s %-10s %-6s %-8s %-20s %s%n", "KEY ID", "TENANT", "USER", "PLAN", "ROLE",
                    "STATE", "CREATED", table.aws ? "" : "USED (PERIOD)");
            for (ApiKey k : table.open(spec.commandLine()).list()) {
                UsageMeter.Usage used = usage.get(k.usagePlan() + " " + k.keyHash());
                out.printf("%-16s %-12s %-12s %-10s %-6s %-8s %-20s %s%n", k.keyId(), k.tenantId(), k.userId(),
                        k.usagePlan(), k.role().wire(), k.revoked() ? "revoked" : "active",
                        Instant.ofEpochMilli(k.createdAt()).truncatedTo(ChronoUnit.SECONDS),
                        table.aws ? "" : used == null ? "0" : used.used() + " (" + used.period() + ")");
            }
            return 0;
        }

        /** What the local gateway counted, by plan and usage key, from the files it keeps them in. */
        private static Map<String, UsageMeter.Usage> gatewayUsage(Path dir) throws IOException {
            Map<String, UsageMeter.Usage> usage = new HashMap<>();
            Path apis = UsageMeter.root(dir);
            if (Files.isDirectory(apis)) {
                try (var each = Files.list(apis)) {
                    for (Path api : each.toList()) {
                        for (UsageMeter.Usage u : UsageMeter.read(api)) {
                            usage.put(u.plan() + " " + u.usageKey(), u);
                        }
                    }
                }
            }
            return usage;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: the gateway refuses it"
            + " once the authorizer's cached answer expires (300 s), and its WebSocket connections end by then.")
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
