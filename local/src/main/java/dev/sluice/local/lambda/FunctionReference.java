package dev.sluice.local.lambda;

import dev.sluice.local.AwsIdentity;
import dev.sluice.local.http.AwsApiException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function a Lambda API request names, in any of the forms Lambda takes: {@code name}, the ARN,
 * the partial ARN {@code account:function:name}, each with an optional {@code :qualifier}, or the
 * qualifier as a separate parameter.
 */
record FunctionReference(String name, String qualifier) {

    /**
     * The qualifiers served locally, all meaning the one version there is: {@code live} is the alias
     * the CDK app invokes functions through.
     */
    static final Set<String> QUALIFIERS = Set.of("$LATEST", "live");

    private static final Pattern FORMS = Pattern.compile("(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z0-9-]+):"
            + "(?<account>\\d{12}):function:|(?<partialAccount>\\d{12}):function:)?(?<name>[a-zA-Z0-9_.-]{1,64})"
            + "(?::(?<qualifier>\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");

    /**
     * @param functionName the path's {@code FunctionName}, decoded
     * @param qualifier the {@code Qualifier} parameter, or null
     * @throws AwsApiException 400 for a name Lambda would not take, 404 for a function of another
     *     account or region or a qualifier not served here
     */
    static FunctionReference parse(String functionName, String qualifier, AwsIdentity identity) {
        Matcher m = FORMS.matcher(functionName);
        if (!m.matches()) {
            throw new AwsApiException(400, "ValidationException", "1 validation error detected: Value '"
                    + functionName + "' at 'functionName' failed to satisfy constraint: Member must be a function"
                    + " name, an ARN or a partial ARN, with an optional qualifier");
        }
        String name = m.group("name");
        String derived = m.group("qualifier");
        if (derived != null && qualifier != null && !derived.equals(qualifier)) {
            throw new AwsApiException(400, "InvalidParameterValueException",
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        FunctionReference ref = new FunctionReference(name, derived != null ? derived : qualifier);
        String account = m.group("account") != null ? m.group("account") : m.group("partialAccount");
        boolean elsewhere = account != null && !account.equals(identity.accountId())
                || m.group("region") != null && !m.group("region").equals(identity.region());
        if (elsewhere || ref.qualifier() != null && !QUALIFIERS.contains(ref.qualifier())) {
            throw notFound(functionName.startsWith("arn:") ? functionName : ref.arn(identity));
        }
        return ref;
    }

    /** The ARN the request named, qualified as it was. */
    String arn(AwsIdentity identity) {
        return identity.lambdaArn(name) + (qualifier == null ? "" : ":" + qualifier);
    }

    static AwsApiException notFound(String arn) {
        return new AwsApiException(404, "ResourceNotFoundException", "Function not found: " + arn);
    }
}
