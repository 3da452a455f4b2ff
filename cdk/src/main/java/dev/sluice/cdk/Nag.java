package dev.sluice.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.constructs.IConstruct;

/** cdk-nag suppressions, each with the reason a reviewer reads; the few there are all go through here. */
final class Nag {

    private Nag() {
    }

    static void suppress(IConstruct construct, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(construct, List.of(NagPackSuppression.builder().id(rule)
                .reason(reason).build()), true);
    }

    /**
     * A finding on specific wildcard resources or managed policies only ({@code appliesTo}); an entry
     * written {@code regex:/.../} is a pattern over cdk-nag's finding text.
     */
    static void suppress(IConstruct construct, String rule, String reason, List<String> appliesTo) {
        List<Object> findings = appliesTo.stream().<Object>map(a -> a.startsWith("regex:")
                ? RegexAppliesTo.builder().regex(a.substring("regex:".length())).build() : a).toList();
        NagSuppressions.addResourceSuppressions(construct, List.of(NagPackSuppression.builder().id(rule)
                .reason(reason).appliesTo(findings).build()), true);
    }
}
