package dev.sluice.workers.ai.batch;

import dev.sluice.workers.config.Setting;

/** The environment of the batch lane's functions, beside the shared {@link Setting}s they also read. */
final class BatchSettings {

    /** The low-priority lane the collector drains (a queue URL). */
    static final Setting BATCH_QUEUE_URL = new Setting("BATCH_QUEUE_URL");
    /** Where a poison message of the batch lane goes at once, with why (a queue URL). */
    static final Setting BATCH_DEAD_LETTER_QUEUE_URL = new Setting("BATCH_DEAD_LETTER_QUEUE_URL");
    /** The on-demand lane a job goes back to when no batch takes it (a queue URL). */
    static final Setting ON_DEMAND_QUEUE_URL = new Setting("ON_DEMAND_QUEUE_URL");
    static final Setting BATCH_STATE_MACHINE_ARN = new Setting("BATCH_STATE_MACHINE_ARN");
    /** Fewest records worth a batch job: Bedrock refuses fewer than 100; locally a handful. */
    static final Setting BATCH_MIN_SIZE = new Setting("BATCH_MIN_SIZE");
    /** Most records one batch takes (Bedrock allows 50,000 per job; the fan-out is one function). */
    static final Setting BATCH_MAX_SIZE = new Setting("BATCH_MAX_SIZE");
    /** How long a job may wait for a batch to fill before it runs on demand. */
    static final Setting BATCH_WINDOW_SECONDS = new Setting("BATCH_WINDOW_SECONDS");
    /** Between two looks at a running batch job. */
    static final Setting BATCH_POLL_SECONDS = new Setting("BATCH_POLL_SECONDS");
    /** The model (or inference profile) batches run on. */
    static final Setting BATCH_MODEL_ID = new Setting("BATCH_MODEL_ID");
    /** Bedrock's own limit for a batch job (24 to 168 hours), after which it is EXPIRED. */
    static final Setting BATCH_TIMEOUT_HOURS = new Setting("BATCH_TIMEOUT_HOURS");
    /** The service role Bedrock assumes to read the input and write the output. */
    static final Setting BATCH_ROLE_ARN = new Setting("BATCH_ROLE_ARN");
    /** Who answers the batches, as each result names it ({@code bedrock}; locally the offline provider). */
    static final Setting BATCH_PROVIDER = new Setting("BATCH_PROVIDER");
    /** The batch price as a share of the on-demand price (Bedrock: 0.5). */
    static final Setting BATCH_PRICE_FACTOR = new Setting("BATCH_PRICE_FACTOR");

    private BatchSettings() {
    }
}
