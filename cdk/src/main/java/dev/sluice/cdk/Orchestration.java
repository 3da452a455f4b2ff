package dev.sluice.cdk;

import dev.sluice.core.topology.StateMachineSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The state machines of {@code statemachines/}, their {@code ${function-name}} placeholders filled
 * by {@code DefinitionSubstitutions} with the functions' alias ARNs; every execution logged (ALL,
 * with execution data) to an encrypted log group and traced; the role may invoke exactly the
 * aliases its definition names.
 */
final class Orchestration {

    private Orchestration() {
    }

    static void build(Construct scope, Deployed deployed, Map<String, Functions.Deployment> functions, IKey key,
            RetentionDays retention, RemovalPolicy removal) {
        for (StateMachineSpec spec : deployed.topology().stateMachines()) {
            String id = "StateMachine" + LogicalIds.of(spec.name());
            Map<String, String> substitutions = new LinkedHashMap<>();
            Role role = Role.Builder.create(scope, id + "Role")
                    .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                    .description("State machine " + spec.name() + ": invokes the functions its definition names")
                    .build();
            for (String function : spec.functionReferences()) {
                Functions.Deployment f = functions.get(function);
                substitutions.put(function, f.alias().getFunctionArn());
                f.alias().grantInvoke(role);
            }
            LogGroup logs = LogGroup.Builder.create(scope, id + "Logs").retention(retention).encryptionKey(key)
                    .removalPolicy(removal).build();
            StateMachine machine = StateMachine.Builder.create(scope, id)
                    .stateMachineType(StateMachineType.STANDARD)
                    .definitionBody(DefinitionBody.fromString(spec.definition()))
                    .definitionSubstitutions(substitutions)
                    .role(role)
                    .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build())
                    .tracingEnabled(true)
                    .removalPolicy(removal)
                    .build();
            Nag.suppress(role, "AwsSolutions-IAM5", "X-Ray and CloudWatch Logs' log delivery actions (tracing, logging"
                    + " ALL) have no resource-level permissions", List.of("Resource::*"));
            deployed.stateMachines.put(spec.name(), machine);
        }
    }

}
