package dev.sluice.workers.config;

import dev.sluice.core.aws.AwsClients;

/**
 * An environment variable a handler reads in its constructor. Its value comes from the function's
 * {@code environment} in topology.json, and nowhere else: there is no fallback, so a handler that
 * reads a variable its function does not declare fails at once, naming the variable.
 */
public record Setting(String name) {

    public static final Setting JOBS_TABLE = new Setting("JOBS_TABLE");
    public static final Setting IDEMPOTENCY_TABLE = new Setting("IDEMPOTENCY_TABLE");
    public static final Setting API_KEYS_TABLE = new Setting("API_KEYS_TABLE");
    public static final Setting CONNECTIONS_TABLE = new Setting("CONNECTIONS_TABLE");
    public static final Setting PUSH_LOG_TABLE = new Setting("PUSH_LOG_TABLE");
    public static final Setting ANALYTICS_TABLE = new Setting("ANALYTICS_TABLE");
    /** The AI gateway's response cache (sluice-ai-cache): exact and semantic entries, 24 h each. */
    public static final Setting AI_CACHE_TABLE = new Setting("AI_CACHE_TABLE");
    public static final Setting EVENT_BUS = new Setting("EVENT_BUS");
    public static final Setting PAYLOAD_BUCKET = new Setting("PAYLOAD_BUCKET");
    /** The trigger queue's maxReceiveCount: on that receive a transient failure is the last. */
    public static final Setting MAX_RECEIVE_COUNT = new Setting("MAX_RECEIVE_COUNT");
    public static final Setting DEAD_LETTER_QUEUE = new Setting("DEAD_LETTER_QUEUE");
    /** First retry delay; each later one doubles, up to RETRY_MAX_SECONDS. */
    public static final Setting RETRY_BASE_SECONDS = new Setting("RETRY_BASE_SECONDS");
    public static final Setting RETRY_MAX_SECONDS = new Setting("RETRY_MAX_SECONDS");
    /** A submitted job with no outcome after this long is failed by the sweeper. */
    public static final Setting JOB_DEADLINE_SECONDS = new Setting("JOB_DEADLINE_SECONDS");
    /**
     * The job lanes' queue URLs by topology name, {@code name=URL,name=URL}: on AWS a queue's name is
     * CloudFormation's, so the sweeper cannot look a lane up by the name the rules give it.
     */
    public static final Setting LANE_QUEUE_URLS = new Setting("LANE_QUEUE_URLS");
    /**
     * The queues the admin API reads and replays, {@code name=URL,...} by topology name: every
     * dead-letter queue and every queue a replay sends back to.
     */
    public static final Setting QUEUE_URLS = new Setting("QUEUE_URLS");
    /** The operators' audit table (sluice-audit): every replay is recorded there before and after it acts. */
    public static final Setting AUDIT_TABLE = new Setting("AUDIT_TABLE");
    /**
     * The functions the admin API invokes asynchronously to replay a failed invocation or event,
     * {@code name=ARN,...} by topology name (on AWS the ARN of the function's alias).
     */
    public static final Setting FUNCTION_ARNS = new Setting("FUNCTION_ARNS");
    /** The WebSocket API's @connections endpoint, https://{api}.execute-api.{region}.amazonaws.com/{stage}. */
    public static final Setting WEBSOCKET_MANAGEMENT_URL = new Setting("WEBSOCKET_MANAGEMENT_URL");
    /** {@code ses} or {@code outbox} (RFC 5322 files under MAIL_OUTBOX_DIR). */
    public static final Setting MAILER = new Setting("MAILER");
    public static final Setting MAIL_OUTBOX_DIR = new Setting("MAIL_OUTBOX_DIR");
    public static final Setting MAIL_FROM = new Setting("MAIL_FROM");
    /**
     * {@code local} (the offline provider), {@code bedrock} (Converse/ConverseStream, endpoint and
     * credentials as the SDK resolves them) or {@code openai} (a user's OpenAI-compatible server at
     * OPENAI_BASE_URL, local runtime only): see {@code dev.sluice.workers.chat.ChatModels}.
     */
    public static final Setting CHAT_MODEL = new Setting("CHAT_MODEL");
    /** The route set of ai-gateway.json this profile uses ({@code local}, {@code bedrock}, {@code dev}, ...). */
    public static final Setting AI_ROUTES = new Setting("AI_ROUTES");
    /** Conversation history per tenant and session (sluice-ai-sessions). */
    public static final Setting AI_SESSIONS_TABLE = new Setting("AI_SESSIONS_TABLE");
    /** Where prompt templates come from: {@code bundled} (the build's) or {@code s3} (TEMPLATES_BUCKET). */
    public static final Setting PROMPT_TEMPLATES = new Setting("PROMPT_TEMPLATES");
    /** The versioned bucket of prompt templates, under prompts/{name}/{version}/. */
    public static final Setting TEMPLATES_BUCKET = new Setting("TEMPLATES_BUCKET");
    /** The OpenAI-compatible server's base URL, {@code http://127.0.0.1:8000} (requests go to {@code /v1/chat/completions}). */
    public static final Setting OPENAI_BASE_URL = new Setting("OPENAI_BASE_URL");
    /** The model an OpenAI-compatible server is asked for when no route names one. */
    public static final Setting OPENAI_MODEL = new Setting("OPENAI_MODEL");

    /** {@code bedrock} (Titan Text Embeddings v2) or {@code local} (BGE small in-process, the local profile). */
    public static final Setting EMBEDDER = new Setting("EMBEDDER");
    /** Titan's 256, 512 or 1024; the local model makes 384 and takes no other value. */
    public static final Setting EMBEDDING_DIMENSIONS = new Setting("EMBEDDING_DIMENSIONS");
    /** {@code opensearch} (a k-NN index, OPENSEARCH_*) or {@code lucene} (HNSW on disk under VECTOR_INDEX_DIR). */
    public static final Setting VECTOR_INDEX = new Setting("VECTOR_INDEX");
    public static final Setting VECTOR_INDEX_DIR = new Setting("VECTOR_INDEX_DIR");
    /** https://... signed for OPENSEARCH_SERVICE; http://... is a local node, unsigned. */
    public static final Setting OPENSEARCH_ENDPOINT = new Setting("OPENSEARCH_ENDPOINT");
    /** What requests are signed for: {@code aoss} (Serverless) or {@code es} (a managed domain). */
    public static final Setting OPENSEARCH_SERVICE = new Setting("OPENSEARCH_SERVICE");
    public static final Setting OPENSEARCH_INDEX = new Setting("OPENSEARCH_INDEX");
    public static final Setting DOCUMENTS_TABLE = new Setting("DOCUMENTS_TABLE");
    public static final Setting TENANT_SETTINGS_TABLE = new Setting("TENANT_SETTINGS_TABLE");
    /** Where uploads land, under {tenantId}/. */
    public static final Setting DOCUMENTS_BUCKET = new Setting("DOCUMENTS_BUCKET");
    /** The ingestion state machine the router starts one execution of per upload. */
    public static final Setting INGEST_STATE_MACHINE_ARN = new Setting("INGEST_STATE_MACHINE_ARN");
    /** How many chunk batches an ingestion embeds and indexes at once (the Map's MaxConcurrency). */
    public static final Setting INGEST_MAX_CONCURRENCY = new Setting("INGEST_MAX_CONCURRENCY");
    public static final Setting MAX_DOCUMENT_BYTES = new Setting("MAX_DOCUMENT_BYTES");
    /** The sweeper leaves younger PROCESSING documents alone: their execution may only just have started. */
    public static final Setting DOCUMENT_SWEEP_GRACE_SECONDS = new Setting("DOCUMENT_SWEEP_GRACE_SECONDS");
    /** Chunks per Map item: small enough for steady progress, large enough to batch the embedder. */
    public static final Setting CHUNK_BATCH_SIZE = new Setting("CHUNK_BATCH_SIZE");
    /** The AI budgets' reservation windows (sluice-ai-budgets): USD per tenant per day, tokens per minute. */
    public static final Setting AI_BUDGETS_TABLE = new Setting("AI_BUDGETS_TABLE");
    /** The AI routes' canaries: their current share, window counters and rollbacks (sluice-ai-canaries). */
    public static final Setting AI_CANARIES_TABLE = new Setting("AI_CANARIES_TABLE");
    /**
     * How long a queued AI job may wait for its tenant's budget to come back (the next window) before it
     * FAILS {@code budget_exceeded}.
     */
    public static final Setting BUDGET_WAIT_LIMIT_SECONDS = new Setting("BUDGET_WAIT_LIMIT_SECONDS");

    public String from(AwsClients aws) {
        String value = aws.env().get(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: declare it in the function's environment in"
                    + " topology.json");
        }
        return value;
    }

    /** A {@code key=value,key=value} value, in order. */
    public java.util.Map<String, String> mapFrom(AwsClients aws) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String entry : from(aws).split(",")) {
            int equals = entry.indexOf('=');
            if (equals < 1) {
                throw new IllegalStateException(name + " must be name=value pairs separated by commas, not \""
                        + from(aws) + "\"");
            }
            map.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return map;
    }

    public int intFrom(AwsClients aws) {
        return (int) number(from(aws), Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public long longFrom(AwsClients aws) {
        return number(from(aws), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long number(String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, not \"" + value + "\"");
        }
    }
}
