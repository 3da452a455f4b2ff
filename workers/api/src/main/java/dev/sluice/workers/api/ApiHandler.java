package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.operations.dlq.DeadLetterQueues;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.cost.AiUsageTotals;
import dev.sluice.workers.ai.templates.PromptTemplateSources;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.embed.Embedders;
import dev.sluice.workers.http.Caller;
import dev.sluice.workers.http.Headers;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import dev.sluice.workers.tenants.AnalyticsCounters;
import dev.sluice.workers.tenants.TenantSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The HTTP API (API Gateway proxy integration): checks the API key and its usage plan, then routes.
 * The same class serves API Gateway on AWS and the local HTTP gateway.
 */
public final class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final int MAX_ANALYTICS_DAYS = 366;
    /** A quarter: the AI usage of a tenant is one item per model and day. */
    static final int MAX_AI_ANALYTICS_DAYS = 92;
    /** schemas/jobs/analytics.event.schema.json's limit: no longer id was ever counted. */
    private static final int MAX_TOOL_ID_LENGTH = 128;
    /** The request header a client names its correlation id with; every response carries it back. */
    static final String CORRELATION_ID_HEADER = "X-Correlation-Id";
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /**
     * Every route this handler serves, as API Gateway names them ({@code "METHOD /resource"}): the
     * routes of API {@code sluice-api} in topology.json, which ApiRoutesTest holds to this list. The
     * switch in {@link #handleRequest} has a case for each, or does not compile.
     */
    enum Route {
        SUBMIT_JOB("POST /v1/jobs"),
        LIST_JOBS("GET /v1/jobs"),
        GET_JOB("GET /v1/jobs/{id}"),
        TOOL_ANALYTICS("GET /v1/analytics/tools/{toolId}"),
        AI_ANALYTICS("GET /v1/analytics/ai"),
        CREATE_DOCUMENT("POST /v1/documents"),
        LIST_DOCUMENTS("GET /v1/documents"),
        GET_DOCUMENT("GET /v1/documents/{id}"),
        SEARCH("GET /v1/search"),
        GET_CHUNKING("GET /v1/settings/chunking"),
        PUT_CHUNKING("PUT /v1/settings/chunking"),
        GET_TEMPLATE("GET /v1/templates/{name}"),
        LIST_DLQS("GET /v1/admin/dlqs"),
        PEEK_DLQ("GET /v1/admin/dlqs/{name}/messages"),
        REPLAY_DLQ("POST /v1/admin/dlqs/{name}/replay");

        private final String key;

        Route(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }

        static Optional<Route> of(String key) {
            return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
        }
    }

    private final JobsApi jobsApi;
    private final AnalyticsCounters analytics;
    private final AiUsageTotals aiUsage;
    private final DocumentsApi documentsApi;
    private final AdminApi adminApi;
    private final TemplatesApi templatesApi;
    private final Clock clock;

    public ApiHandler() {
        this(AwsClients.fromEnvironment());
    }

    private ApiHandler(AwsClients aws) {
        this(aws, aws.build(DynamoDbClient.builder(), "DYNAMODB"));
    }

    private ApiHandler(AwsClients aws, DynamoDbClient dynamoDb) {
        this(aws, dynamoDb, Embedders.choice(aws), VectorIndexes.choice(aws), Definitions.bundledSchemas());
    }

    private ApiHandler(AwsClients aws, DynamoDbClient dynamoDb, Embedders.Choice embedder,
            VectorIndexes.Choice index, Schemas schemas) {
        this(new JobsApi(new JobStore(dynamoDb, Setting.JOBS_TABLE.from(aws)),
                        new JobEvents(aws.build(EventBridgeClient.builder(), "EVENTBRIDGE"),
                                Setting.EVENT_BUS.from(aws)),
                        new ClaimChecks(S3Access.client(aws), Setting.PAYLOAD_BUCKET.from(aws)),
                        schemas, Setting.JOB_DEADLINE_SECONDS.intFrom(aws) * 1000L, Clock.systemUTC(),
                        Metrics.fromEnvironment(),
                        BudgetLedger.fromEnvironment(aws, dynamoDb, GatewayConfig.bundled(schemas).budgets())),
                new AnalyticsCounters(dynamoDb, Setting.ANALYTICS_TABLE.from(aws)),
                new AiUsageTotals(dynamoDb, Setting.ANALYTICS_TABLE.from(aws)),
                new DocumentsApi(new DocumentStore(dynamoDb, Setting.DOCUMENTS_TABLE.from(aws)),
                        new TenantSettings(dynamoDb, Setting.TENANT_SETTINGS_TABLE.from(aws)), S3Access.presigner(aws),
                        Setting.DOCUMENTS_BUCKET.from(aws), embedder.maxInputTokens(),
                        Lazy.of(() -> embedder.embedder(aws)),
                        Lazy.of(() -> index.open(aws)), schemas,
                        Clock.systemUTC()),
                adminApi(aws, schemas),
                new TemplatesApi(PromptTemplateSources.fromEnvironment(aws)),
                Clock.systemUTC());
        Priming.of(ApiHandler.class, aws).validate("/body", schemas, "jobs/envelope").register(this);
    }

    ApiHandler(JobsApi jobsApi, AnalyticsCounters analytics, DocumentsApi documentsApi, AdminApi adminApi,
            TemplatesApi templatesApi, Clock clock) {
        this(jobsApi, analytics, null, documentsApi, adminApi, templatesApi, clock);
    }

    ApiHandler(JobsApi jobsApi, AnalyticsCounters analytics, AiUsageTotals aiUsage, DocumentsApi documentsApi,
            AdminApi adminApi, TemplatesApi templatesApi, Clock clock) {
        this.jobsApi = jobsApi;
        this.analytics = analytics;
        this.aiUsage = aiUsage;
        this.documentsApi = documentsApi;
        this.adminApi = adminApi;
        this.templatesApi = templatesApi;
        this.clock = clock;
    }

    /**
     * The admin API on the stack this function runs in. The topology (which DLQs there are) is read at
     * the first admin request, so tenants' requests never pay for it.
     */
    private static AdminApi adminApi(AwsClients aws, Schemas schemas) {
        Lazy<Topology> topology = Lazy.of(() -> Definitions.bundled().topology());
        EnvironmentDeployment deployment = EnvironmentDeployment.of(aws, topology);
        return new AdminApi(Lazy.of(() -> DeadLetterQueues.of(topology.get())),
                new OperationsDeadLetters(deployment, Clock.systemUTC()), schemas);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        String sent = Headers.get(request.getHeaders(), CORRELATION_ID_HEADER);
        boolean valid = sent == null || CORRELATION_ID.matcher(sent).matches();
        String correlationId = valid && sent != null ? sent : ownCorrelationId(request, context);
        try (LogContext invocation = LogContext.invocation(context, correlationId)) {
            APIGatewayProxyResponseEvent response = valid ? route(request, context, correlationId)
                    : ApiResponses.error(400, "invalid_header", CORRELATION_ID_HEADER + " must be 1 to 128 of"
                            + " A-Z a-z 0-9 . _ : -", CORRELATION_ID_HEADER);
            return ApiResponses.withHeader(response, CORRELATION_ID_HEADER, correlationId);
        }
    }

    /** API Gateway's id of the request, when the client named none. */
    private static String ownCorrelationId(APIGatewayProxyRequestEvent request, Context context) {
        String requestId = request.getRequestContext() == null ? null : request.getRequestContext().getRequestId();
        if (requestId != null && CORRELATION_ID.matcher(requestId).matches()) {
            return requestId;
        }
        return context != null && context.getAwsRequestId() != null ? context.getAwsRequestId()
                : UUID.randomUUID().toString();
    }

    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent request, Context context,
            String correlationId) {
        Optional<Caller> authorized = Caller.fromAuthorizer(request.getRequestContext() == null ? null
                : request.getRequestContext().getAuthorizer());
        if (authorized.isEmpty()) {
            // API Gateway never sends a request its authorizer did not allow: this deployment lacks one.
            return ApiResponses.error(500, "internal_error", "the request reached the API without the caller"
                    + " its authorizer names", null);
        }
        Caller caller = authorized.get();
        Map<String, String> path = request.getPathParameters() == null ? Map.of() : request.getPathParameters();
        Map<String, String> query = request.getQueryStringParameters() == null ? Map.of()
                : request.getQueryStringParameters();
        String key = request.getHttpMethod() + " " + request.getResource();
        Optional<Route> route = Route.of(key);
        if (route.isEmpty()) {
            return ApiResponses.error(404, "not_found", "no route " + key, null);
        }
        Optional<APIGatewayProxyResponseEvent> forbidden = AdminApi.refuses(key, caller);
        if (forbidden.isPresent()) {
            return forbidden.get();
        }
        return switch (route.get()) {
            case SUBMIT_JOB -> jobsApi.submit(caller, body(request), Headers.get(request.getHeaders(), "Idempotency-Key"),
                    Headers.get(request.getHeaders(), AiRequestFields.MODEL_TYPE_HEADER), correlationId);
            case LIST_JOBS -> jobsApi.list(caller, query);
            case GET_JOB -> jobsApi.get(caller, path.get("id"));
            case TOOL_ANALYTICS -> analytics(caller, path.get("toolId"), query);
            case AI_ANALYTICS -> aiAnalytics(caller, query);
            case CREATE_DOCUMENT -> documentsApi.createUpload(caller, body(request), correlationId);
            case LIST_DOCUMENTS -> documentsApi.list(caller, query);
            case GET_DOCUMENT -> documentsApi.get(caller, path.get("id"));
            case SEARCH -> documentsApi.search(caller, query);
            case GET_CHUNKING -> documentsApi.chunking(caller);
            case PUT_CHUNKING -> documentsApi.setChunking(caller, body(request));
            case GET_TEMPLATE -> templatesApi.get(path.get("name"), query);
            case LIST_DLQS -> adminApi.list();
            case PEEK_DLQ -> adminApi.messages(path.get("name"), query);
            case REPLAY_DLQ -> adminApi.replay(caller, path.get("name"), body(request));
        };
    }

    private APIGatewayProxyResponseEvent analytics(Caller caller, String toolId, Map<String, String> query) {
        if (toolId == null || toolId.isEmpty() || toolId.length() > MAX_TOOL_ID_LENGTH) {
            return ApiResponses.error(400, "invalid_parameter", "toolId must be 1 to " + MAX_TOOL_ID_LENGTH
                    + " characters, as analytics.event's toolId is", "toolId");
        }
        try {
            DayRange days = DayRange.parse(query, clock, MAX_ANALYTICS_DAYS);
            return ApiResponses.json(200, analytics.summary(caller.tenantId(), toolId, days.from(), days.to()));
        } catch (DayRange.Invalid e) {
            return ApiResponses.error(400, "invalid_parameter", e.getMessage(), e.field());
        }
    }

    /** {@code GET /v1/analytics/ai?from=&to=}: the caller's AI usage and cost per day and model. */
    private APIGatewayProxyResponseEvent aiAnalytics(Caller caller, Map<String, String> query) {
        try {
            DayRange days = DayRange.parse(query, clock, MAX_AI_ANALYTICS_DAYS);
            return ApiResponses.json(200, aiUsage.summary(caller.tenantId(), days.from(), days.to()));
        } catch (DayRange.Invalid e) {
            return ApiResponses.error(400, "invalid_parameter", e.getMessage(), e.field());
        }
    }

    private static byte[] body(APIGatewayProxyRequestEvent request) {
        String body = request.getBody();
        if (body == null) {
            return new byte[0];
        }
        return Boolean.TRUE.equals(request.getIsBase64Encoded()) ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
    }
}
