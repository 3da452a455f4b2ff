package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.lambda.FunctionError;
import dev.sluice.local.support.Invocations;
import java.nio.charset.StandardCharsets;

/**
 * A Lambda authorizer scripted by the presented {@code x-api-key}: {@code allow-PLAN-NAME} allows the
 * whole stage with usage plan PLAN and usage key NAME; {@code narrow-...} allows only the method ARN
 * asked for, as an authorizer that forgets API Gateway's cache would; {@code deny}, {@code unauthorized}
 * (fails "Unauthorized"), {@code fail}, {@code garbage} (no policy). Every other function goes to
 * {@code integration}.
 */
final class ScriptedAuthorizer implements FunctionInvoker {

    static final String FUNCTION = "authz";

    final Invocations invocations = new Invocations();
    private final FunctionInvoker integration;

    ScriptedAuthorizer(FunctionInvoker integration) {
        this.integration = integration;
    }

    @Override
    public byte[] invoke(String function, byte[] payload) throws FunctionError {
        if (!function.equals(FUNCTION)) {
            return integration.invoke(function, payload);
        }
        JsonNode event = Json.parse(new String(payload, StandardCharsets.UTF_8));
        invocations.invoked(function, payload, null, null);
        String key = ScriptedHttpFunction.header(event, "x-api-key");
        String methodArn = event.get("methodArn").asText();
        String stage = methodArn.substring(0, methodArn.indexOf('/', methodArn.indexOf('/') + 1)) + "/*";
        String[] parts = key.split("-", 3);
        ObjectNode answer = Json.object();
        switch (parts[0]) {
            case "allow", "narrow" -> {
                answer.put("principalId", "user-" + parts[2]);
                policy(answer, "Allow", parts[0].equals("allow") ? stage : methodArn);
                answer.putObject("context").put("tenantId", "t-" + parts[2]).put("usagePlan", parts[1])
                        .put("active", true).put("rank", 3);
                answer.put("usageIdentifierKey", "usage-" + parts[2]);
            }
            case "deny" -> {
                answer.put("principalId", "anonymous");
                policy(answer, "Deny", stage);
            }
            case "unauthorized" -> throw new FunctionError("java.lang.RuntimeException", "Unauthorized", null);
            case "fail" -> throw new FunctionError("java.lang.IllegalStateException", "the key table is down", null);
            default -> answer.put("principalId", "nobody");
        }
        return Json.write(answer).getBytes(StandardCharsets.UTF_8);
    }

    private static void policy(ObjectNode answer, String effect, String resource) {
        ObjectNode statement = answer.putObject("policyDocument").put("Version", "2012-10-17").putArray("Statement")
                .addObject();
        statement.put("Action", "execute-api:Invoke").put("Effect", effect).putArray("Resource").add(resource);
    }

    /** How many times the authorizer ran for {@code key}. */
    long runsFor(String key) {
        return invocations.all().stream().filter(i -> key.equals(ScriptedHttpFunction.header(i.payload(), "x-api-key")))
                .count();
    }
}
