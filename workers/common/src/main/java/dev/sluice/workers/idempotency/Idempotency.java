package dev.sluice.workers.idempotency;

import com.amazonaws.services.lambda.runtime.Context;
import dev.sluice.core.json.CanonicalJson;
import dev.sluice.core.json.Json;
import dev.sluice.workers.idempotency.DataRecord.Status;
import dev.sluice.workers.idempotency.exception.IdempotencyAlreadyInProgressException;
import dev.sluice.workers.idempotency.exception.IdempotencyPersistenceException;
import dev.sluice.workers.idempotency.exception.IdempotencyValidationException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a unit of work safe to redeliver: SQS delivers at least once, so the same message can reach
 * two invocations, or the same one twice. Semantics follow Powertools' {@code IdempotencyHandler}.
 */
public final class Idempotency {

    private final DynamoDbIdempotencyStore store;
    private final String scope;
    private final IdempotencyConfig config;
    private final Clock clock;
    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);

    /**
     * @param scope what the keys are unique within, usually the worker; it prefixes every record id
     */
    public Idempotency(DynamoDbIdempotencyStore store, String scope, IdempotencyConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (scope.isBlank()) {
            throw new IllegalArgumentException("scope must not be blank");
        }
    }

    /**
     * Runs work at most once per key (within expiry); a repeat returns the stored result of the first run.
     *
     * @param payload the request the key stands for; a repeat with a different one is refused when
     *     the config validates payloads. Compared by canonical JSON, so key order does not matter.
     * @param context the invocation's, whose remaining time bounds how long a run may hold the key;
     *     null (tests) holds it for the whole expiry
     * @param resultType what the stored JSON result reads back as
     * @throws IdempotencyAlreadyInProgressException another run holds the key right now
     * @throws IdempotencyValidationException the key was first used with a different payload
     * @throws IdempotencyPersistenceException the table could not be used; work did not run
     * @throws Exception whatever work threw, after its record was deleted so a retry can run it
     */
    public <T> T once(String key, Object payload, Context context, Class<T> resultType, Callable<T> work)
            throws Exception {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(work, "work");
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an idempotency key is required");
        }
        String id = scope + "#" + key;
        String validation = config.validatePayload() && payload != null ? CanonicalJson.sha256(payload) : null;
        Instant now = clock.instant();
        long holdMillis = context == null ? config.expiry().toMillis() : context.getRemainingTimeInMillis();
        DataRecord inProgress = new DataRecord(id, Status.INPROGRESS, expirationFrom(now), null, validation,
                now.toEpochMilli() + holdMillis);
        Optional<DataRecord> existing = store.putInProgress(inProgress, now);
        if (existing.isPresent()) {
            return previousResult(existing.get(), validation, resultType);
        }
        return run(id, context, work);
    }

    private <T> T previousResult(DataRecord existing, String validation, Class<T> resultType) {
        if (config.validatePayload() && !Objects.equals(existing.validation(), validation)) {
            throw new IdempotencyValidationException("payload differs from the one first seen with " + existing.id());
        }
        if (existing.status() == Status.INPROGRESS) {
            throw new IdempotencyAlreadyInProgressException("already in progress: " + existing.id());
        }
        if (existing.data() == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(existing.data(), resultType);
        } catch (IOException e) {
            throw new IdempotencyPersistenceException("stored result of " + existing.id() + " does not read as "
                    + resultType.getSimpleName(), e);
        }
    }

    private <T> T run(String id, Context context, Callable<T> work) throws Exception {
        T result;
        try {
            result = work.call();
        } catch (Throwable failure) {
            // The caller needs its own exception to decide about the message; a failed delete only
            // means a retry waits for in_progress_expiration, so it rides along as suppressed.
            try {
                store.delete(id);
            } catch (RuntimeException deleteFailure) {
                failure.addSuppressed(deleteFailure);
            }
            throw failure;
        }
        try {
            store.putCompleted(id, Json.write(result), expirationFrom(clock.instant()));
        } catch (RuntimeException e) {
            // The work is done and its effects are out; failing now would only make a retry do it
            // again once the INPROGRESS record times out.
            LOG.atError().setMessage("idempotency record not marked completed; result returned anyway")
                    .addKeyValue("idempotencyId", id).addKeyValue("error", String.valueOf(e)).log();
        }
        return result;
    }

    private long expirationFrom(Instant now) {
        return now.plus(config.expiry()).getEpochSecond();
    }
}
