package dev.sluice.cdk;

import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.core.topology.DeploymentSpec;
import dev.sluice.core.topology.GatewayResponseSpec;
import dev.sluice.core.topology.UsagePlanSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKeySourceType;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Period;
import software.amazon.awscdk.services.apigateway.QuotaSettings;
import software.amazon.awscdk.services.apigateway.RequestAuthorizer;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;

/**
 * The topology's APIs. An HTTP API becomes a REST API (usage plans and API keys exist only there):
 * every route through the authorizer, whose result is cached per key and whose
 * {@code usageIdentifierKey} is the API key API Gateway meters ({@code apiKeySource: AUTHORIZER}),
 * the usage plans, the gateway responses in the API's error shape, access logs and a web ACL. A
 * WebSocket API gets its routes, {@code $connect} through the authorizer, a stage and access logs.
 */
final class Apis {

    /** What an API's stage is called when the topology names none (API Gateway has no $default for REST). */
    static final String DEFAULT_STAGE = "live";

    /** The REST APIs made, by topology name, and their usage plans by plan name. */
    final Map<String, RestApi> restApis = new LinkedHashMap<>();
    final Map<String, Map<String, UsagePlan>> usagePlans = new LinkedHashMap<>();

    private final Construct scope;
    private final IKey key;
    private final RetentionDays retention;
    private final RemovalPolicy removal;

    Apis(Construct scope, IKey key, RetentionDays retention, RemovalPolicy removal) {
        this.scope = scope;
        this.key = key;
        this.retention = retention;
        this.removal = removal;
    }

    /** WebSocket APIs and stages first: functions' environments name their management endpoints. */
    void webSockets(Deployed deployed) {
        for (ApiSpec spec : deployed.topology().apis()) {
            if (spec.protocol() != ApiSpec.Protocol.WEBSOCKET) {
                continue;
            }
            String id = "Api" + LogicalIds.of(spec.name());
            WebSocketApi api = WebSocketApi.Builder.create(scope, id).apiName(spec.name())
                    .routeSelectionExpression("$request.body.action").build();
            WebSocketStage stage = WebSocketStage.Builder.create(scope, id + "Stage").webSocketApi(api)
                    .stageName(stage(spec)).autoDeploy(true).build();
            LogGroup access = accessLogs(id);
            ((CfnStage) stage.getNode().getDefaultChild()).setAccessLogSettings(CfnStage.AccessLogSettingsProperty
                    .builder().destinationArn(access.getLogGroupArn())
                    .format(StableJson.write(Map.of("requestId", "$context.requestId", "ip", "$context.identity.sourceIp",
                            "requestTime", "$context.requestTime", "routeKey", "$context.routeKey",
                            "eventType", "$context.eventType", "status", "$context.status",
                            "connectionId", "$context.connectionId", "error", "$context.error.message",
                            "authorizerError", "$context.authorizer.error"))).build());
            deployed.webSocketApis.put(spec.name(), api);
            deployed.webSocketStages.put(spec.name(), stage);
        }
    }

    /** Routes and integrations, once the functions exist. */
    void routes(Deployed deployed, Map<String, Functions.Deployment> functions, DeploymentSpec deployment) {
        for (ApiSpec spec : deployed.topology().apis()) {
            if (spec.protocol() == ApiSpec.Protocol.WEBSOCKET) {
                webSocketRoutes(deployed.webSocketApis.get(spec.name()), spec, functions);
            } else {
                rest(spec, functions, deployment);
            }
        }
    }

    private void webSocketRoutes(WebSocketApi api, ApiSpec spec, Map<String, Functions.Deployment> functions) {
        var handler = functions.get(spec.function()).alias();
        for (String route : spec.routes()) {
            var options = WebSocketRouteOptions.builder()
                    .integration(new WebSocketLambdaIntegration(LogicalIds.of(route) + "Integration", handler));
            if (route.equals("$connect") && spec.authorizer() != null) {
                AuthorizerSpec authorizer = spec.authorizer();
                options.authorizer(WebSocketLambdaAuthorizer.Builder.create("Authorizer",
                        functions.get(authorizer.function()).alias())
                        .identitySource(authorizer.identitySource()).build());
            }
            var added = api.addRoute(route, options.build());
            if (!route.equals("$connect")) {
                Nag.suppress(added, "AwsSolutions-APIG4", "API Gateway authorizes a WebSocket connection once, at"
                        + " $connect; later routes run on that authorized connection");
            }
        }
    }

    private void rest(ApiSpec spec, Map<String, Functions.Deployment> functions, DeploymentSpec deployment) {
        String id = "Api" + LogicalIds.of(spec.name());
        LogGroup access = accessLogs(id);
        RestApi api = RestApi.Builder.create(scope, id).restApiName(spec.name())
                .description("Sluice " + spec.name() + ": " + spec.routes().size() + " routes from the topology")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .apiKeySourceType(spec.authorizer() == null ? ApiKeySourceType.HEADER : ApiKeySourceType.AUTHORIZER)
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder().stageName(stage(spec)).tracingEnabled(true)
                        .accessLogDestination(new LogGroupLogDestination(access))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .build())
                .build();
        var handler = functions.get(spec.function()).alias();
        // One permission for the whole API rather than one per method: the stack stays far from 500 resources.
        LambdaIntegration integration = LambdaIntegration.Builder.create(handler).proxy(true)
                .scopePermissionToMethod(false).build();
        MethodOptions.Builder methodOptions = MethodOptions.builder();
        if (spec.authorizer() != null) {
            AuthorizerSpec a = spec.authorizer();
            RequestAuthorizer authorizer = RequestAuthorizer.Builder.create(scope, id + "Authorizer")
                    .handler(functions.get(a.function()).alias())
                    .identitySources(a.identitySource())
                    .resultsCacheTtl(Duration.seconds(a.authorizerResultTtlInSeconds()))
                    .build();
            methodOptions.authorizer(authorizer).authorizationType(AuthorizationType.CUSTOM)
                    .apiKeyRequired(!spec.usagePlans().isEmpty());
        }
        MethodOptions options = methodOptions.build();
        for (String route : spec.routes()) {
            String[] methodAndPath = route.split(" ", 2);
            resource(api.getRoot(), methodAndPath[1]).addMethod(methodAndPath[0], integration, options);
        }
        Map<String, UsagePlan> plans = new LinkedHashMap<>();
        for (UsagePlanSpec plan : spec.usagePlans()) {
            var props = software.amazon.awscdk.services.apigateway.UsagePlanProps.builder()
                    .name(spec.name() + "-" + plan.name()).description(plan.description())
                    .apiStages(List.of(UsagePlanPerApiStage.builder().api(api).stage(api.getDeploymentStage()).build()));
            if (plan.throttle() != null) {
                props.throttle(ThrottleSettings.builder().rateLimit(plan.throttle().rateLimit())
                        .burstLimit(plan.throttle().burstLimit()).build());
            }
            if (plan.quota() != null) {
                props.quota(QuotaSettings.builder().limit(plan.quota().limit())
                        .period(Period.valueOf(plan.quota().period().name())).build());
            }
            plans.put(plan.name(), api.addUsagePlan("UsagePlan" + LogicalIds.of(plan.name()), props.build()));
        }
        usagePlans.put(spec.name(), plans);
        for (GatewayResponseSpec response : spec.gatewayResponses()) {
            Map<String, String> headers = new LinkedHashMap<>();
            response.responseHeaders().forEach((name, value) -> headers.put(name, "'" + value + "'"));
            api.addGatewayResponse("Response" + LogicalIds.of(response.responseType().name().toLowerCase()),
                    software.amazon.awscdk.services.apigateway.GatewayResponseOptions.builder()
                            .type(ResponseType.of(response.responseType().name()))
                            .statusCode(String.valueOf(response.statusCode()))
                            .responseHeaders(headers.isEmpty() ? null : headers)
                            .templates(Map.of("application/json", Json.write(response.responseBody())))
                            .build());
        }
        Nag.suppress(api, "AwsSolutions-COG4", "Callers are services with API keys, not Cognito users: the Lambda"
                + " authorizer checks the key and names the usage plan key API Gateway meters");
        Nag.suppress(api, "AwsSolutions-APIG2", "Bodies are validated against schemas/ by the handler, which answers 400"
                + " naming the field in the API's error shape; API Gateway's validator would answer in its own");
        Nag.suppress(api, "AwsSolutions-APIG6", "Access logs are on; execution logs need an account-wide API Gateway"
                + " CloudWatch role, which an application stack should not set for the whole account");
        webAcl(id, api, deployment);
        restApis.put(spec.name(), api);
    }

    private static IResource resource(IResource root, String path) {
        IResource at = root;
        for (String part : path.substring(1).split("/")) {
            IResource child = at.getResource(part);
            at = child != null ? child : at.addResource(part);
        }
        return at;
    }

    /** AWS's common rule set, then a per-IP rate rule: what reaches the authorizer is already filtered. */
    private void webAcl(String id, RestApi api, DeploymentSpec deployment) {
        List<CfnWebACL.RuleProperty> rules = new ArrayList<>();
        rules.add(CfnWebACL.RuleProperty.builder().name("aws-common").priority(0)
                .statement(CfnWebACL.StatementProperty.builder().managedRuleGroupStatement(
                        CfnWebACL.ManagedRuleGroupStatementProperty.builder().vendorName("AWS")
                                .name("AWSManagedRulesCommonRuleSet").build()).build())
                .overrideAction(CfnWebACL.OverrideActionProperty.builder().none(Map.of()).build())
                .visibilityConfig(visibility(id + "-aws-common")).build());
        rules.add(CfnWebACL.RuleProperty.builder().name("rate-per-ip").priority(1)
                .statement(CfnWebACL.StatementProperty.builder().rateBasedStatement(
                        CfnWebACL.RateBasedStatementProperty.builder().aggregateKeyType("IP")
                                .limit(deployment.wafRateLimitPer5Minutes()).build()).build())
                .action(CfnWebACL.RuleActionProperty.builder().block(CfnWebACL.BlockActionProperty.builder().build()).build())
                .visibilityConfig(visibility(id + "-rate-per-ip")).build());
        CfnWebACL acl = CfnWebACL.Builder.create(scope, id + "WebAcl").scope("REGIONAL")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder().allow(CfnWebACL.AllowActionProperty.builder().build()).build())
                .rules(new ArrayList<>(rules))
                .visibilityConfig(visibility(id))
                .build();
        CfnWebACLAssociation.Builder.create(scope, id + "WebAclAssociation")
                .resourceArn(api.getDeploymentStage().getStageArn())
                .webAclArn(acl.getAttrArn()).build();
    }

    private static CfnWebACL.VisibilityConfigProperty visibility(String metric) {
        return CfnWebACL.VisibilityConfigProperty.builder().cloudWatchMetricsEnabled(true)
                .sampledRequestsEnabled(true).metricName(metric).build();
    }

    private LogGroup accessLogs(String id) {
        return LogGroup.Builder.create(scope, id + "AccessLogs").retention(retention).encryptionKey(key)
                .removalPolicy(removal).build();
    }

    static String stage(ApiSpec spec) {
        return spec.stage() != null ? spec.stage() : DEFAULT_STAGE;
    }
}
