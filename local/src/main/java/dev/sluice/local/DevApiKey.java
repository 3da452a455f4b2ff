package dev.sluice.local;

import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.core.topology.UsagePlanSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The key of the local {@code dev} tenant: created at the first start, kept under the state
 * directory (owner-only) and reused while it is still valid, so a restart keeps the same key. It is
 * on the {@code default} usage plan.
 */
final class DevApiKey {

    static final String TENANT = "dev";
    static final String USER = "dev";
    private static final String FILE = "dev-api-key";

    private DevApiKey() {
    }

    static String ensure(ApiKeys keys, Path stateDir, long now) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            String[] saved = Files.readString(file).strip().split(" ", 2);
            boolean valid = saved.length == 2 && keys.list().stream()
                    .anyMatch(k -> k.keyId().equals(saved[0]) && !k.revoked());
            if (valid) {
                return saved[1];
            }
        }
        IssuedKey issued = keys.create(TENANT, USER, "sluice up dev key", UsagePlanSpec.DEFAULT, now);
        SecretFiles.write(file, issued.key().keyId() + " " + issued.secret() + System.lineSeparator());
        return issued.secret();
    }
}
