package dev.sluice.workers.config;

import dev.sluice.core.aws.AwsClients;

/** An environment variable a handler reads at init, with the value it takes when unset. */
public record Setting(String name, String fallback) {

    public static final Setting JOBS_TABLE = new Setting("JOBS_TABLE", "sluice-jobs");
    public static final Setting IDEMPOTENCY_TABLE = new Setting("IDEMPOTENCY_TABLE", "sluice-idempotency");
    public static final Setting API_KEYS_TABLE = new Setting("API_KEYS_TABLE", "sluice-api-keys");
    public static final Setting CONNECTIONS_TABLE = new Setting("CONNECTIONS_TABLE", "sluice-connections");
    public static final Setting PUSH_LOG_TABLE = new Setting("PUSH_LOG_TABLE", "sluice-push-log");
    public static final Setting ANALYTICS_TABLE = new Setting("ANALYTICS_TABLE", "sluice-analytics");
    public static final Setting EVENT_BUS = new Setting("EVENT_BUS", "sluice-jobs");
    public static final Setting PAYLOAD_BUCKET = new Setting("PAYLOAD_BUCKET", "sluice-payloads");
    /** The trigger queue's maxReceiveCount: on that receive a transient failure is the last. */
    public static final Setting MAX_RECEIVE_COUNT = new Setting("MAX_RECEIVE_COUNT", "3");
    public static final Setting DEAD_LETTER_QUEUE = new Setting("DEAD_LETTER_QUEUE", "");
    /** First retry delay; each later one doubles, up to RETRY_MAX_SECONDS. */
    public static final Setting RETRY_BASE_SECONDS = new Setting("RETRY_BASE_SECONDS", "5");
    public static final Setting RETRY_MAX_SECONDS = new Setting("RETRY_MAX_SECONDS", "900");
    /** A submitted job with no outcome after this long is failed by the sweeper. */
    public static final Setting JOB_DEADLINE_SECONDS = new Setting("JOB_DEADLINE_SECONDS", "3600");
    /** The WebSocket API's @connections endpoint, https://{api}.execute-api.{region}.amazonaws.com/{stage}. */
    public static final Setting WEBSOCKET_MANAGEMENT_URL = new Setting("WEBSOCKET_MANAGEMENT_URL", "");
    /** {@code ses} or {@code outbox} (RFC 5322 files under MAIL_OUTBOX_DIR). */
    public static final Setting MAILER = new Setting("MAILER", "ses");
    public static final Setting MAIL_OUTBOX_DIR = new Setting("MAIL_OUTBOX_DIR", "");
    public static final Setting MAIL_FROM = new Setting("MAIL_FROM", "Sluice <no-reply@sluice.invalid>");
    /** {@code local}: the offline provider (Bedrock arrives with step 4). */
    public static final Setting CHAT_MODEL = new Setting("CHAT_MODEL", "local");

    /** {@code bedrock} (Titan Text Embeddings v2) or {@code local} (BGE small in-process, what the local runtime sets). */
    public static final Setting EMBEDDER = new Setting("EMBEDDER", "bedrock");
    /** Titan's 256, 512 or 1024 (unset: 1024); the local model makes 384 and takes no other value. */
    public static final Setting EMBEDDING_DIMENSIONS = new Setting("EMBEDDING_DIMENSIONS", "");
    /** {@code opensearch} (a k-NN index, OPENSEARCH_*) or {@code lucene} (HNSW on disk under VECTOR_INDEX_DIR). */
    public static final Setting VECTOR_INDEX = new Setting("VECTOR_INDEX", "opensearch");
    public static final Setting VECTOR_INDEX_DIR = new Setting("VECTOR_INDEX_DIR", "");
    /** https://... signed for OPENSEARCH_SERVICE; http://... is a local node, unsigned. */
    public static final Setting OPENSEARCH_ENDPOINT = new Setting("OPENSEARCH_ENDPOINT", "");
    /** What requests are signed for: {@code aoss} (Serverless) or {@code es} (a managed domain). */
    public static final Setting OPENSEARCH_SERVICE = new Setting("OPENSEARCH_SERVICE", "aoss");
    public static final Setting OPENSEARCH_INDEX = new Setting("OPENSEARCH_INDEX", "sluice-chunks");
    public static final Setting DOCUMENTS_TABLE = new Setting("DOCUMENTS_TABLE", "sluice-documents");
    public static final Setting TENANT_SETTINGS_TABLE = new Setting("TENANT_SETTINGS_TABLE", "sluice-tenant-settings");
    /** Where uploads land, under {tenantId}/. */
    public static final Setting DOCUMENTS_BUCKET = new Setting("DOCUMENTS_BUCKET", "sluice-documents");
    /** The ingestion state machine the router starts one execution of per upload. */
    public static final Setting INGEST_STATE_MACHINE_ARN = new Setting("INGEST_STATE_MACHINE_ARN", "");
    /** How many chunk batches an ingestion embeds and indexes at once (the Map's MaxConcurrency). */
    public static final Setting INGEST_MAX_CONCURRENCY = new Setting("INGEST_MAX_CONCURRENCY", "4");
    public static final Setting MAX_DOCUMENT_BYTES = new Setting("MAX_DOCUMENT_BYTES", Long.toString(50L << 20));
    /** The sweeper leaves younger PROCESSING documents alone: their execution may only just have started. */
    public static final Setting DOCUMENT_SWEEP_GRACE_SECONDS = new Setting("DOCUMENT_SWEEP_GRACE_SECONDS", "120");
    /** Chunks per Map item: small enough for steady progress, large enough to batch the embedder. */
    public static final Setting CHUNK_BATCH_SIZE = new Setting("CHUNK_BATCH_SIZE", "32");

    public String from(AwsClients aws) {
        return aws.env(name, fallback);
    }

    public int intFrom(AwsClients aws) {
        return Integer.parseInt(from(aws));
    }
}
