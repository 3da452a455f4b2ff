package dev.sluice.local.apigw;

import dev.sluice.local.http.AwsApiException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's Signature Version 4 the way AWS does: by signing the request again, with the
 * headers it says it signed and at the time it says it was signed, and comparing signatures. The
 * signing is the SDK's own signer, so this accepts exactly what the SDK's clients send.
 */
final class SigV4Verifier {

    static final String SERVICE = "execute-api";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The parts of an {@code Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…} header. */
    private record Authorization(String accessKeyId, String scopeRegion, String scopeService,
            List<String> signedHeaders, String signature) {

        static Authorization parse(String header) {
            if (!header.startsWith(ALGORITHM + " ")) {
                throw incomplete("Authorization header requires the " + ALGORITHM + " algorithm.");
            }
            Map<String, String> parts = new HashMap<>();
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
            for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
                if (!parts.containsKey(required)) {
                    throw incomplete("Authorization header requires '" + required + "' parameter.");
                }
            }
            // Credential=AKID/yyyyMMdd/region/service/aws4_request
            String[] scope = parts.get("Credential").split("/");
            if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
                throw incomplete("Credential must have exactly 5 slash-delimited elements, e.g."
                        + " keyid/date/region/service/term, got '" + parts.get("Credential") + "'");
            }
            return new Authorization(scope[0], scope[2], scope[3], List.of(parts.get("SignedHeaders").split(";")),
                    parts.get("Signature"));
        }
    }

    private final AwsCredentialsIdentity accepted;
    private final String region;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SigV4Verifier(AwsCredentialsIdentity accepted, String region, Clock clock) {
        this.accepted = accepted;
        this.region = region;
        this.clock = clock;
    }

    /**
     * @param rawPathAndQuery the request target as it came, still percent-encoded: the signature
     *                        covers the encoded form
     * @param headers         every value of a header, by name in any case
     */
    void verify(String method, String rawPathAndQuery, Function<String, List<String>> headers, byte[] body) {
        List<String> authorizations = headers.apply("Authorization");
        if (authorizations.isEmpty()) {
            throw new AwsApiException(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Authorization auth = Authorization.parse(authorizations.getFirst());
        if (!auth.accessKeyId().equals(accepted.accessKeyId())) {
            throw new AwsApiException(403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
        }
        if (!auth.scopeRegion().equals(region)) {
            throw invalid("Credential should be scoped to a valid region, not '" + auth.scopeRegion() + "'. ");
        }
        if (!auth.scopeService().equals(SERVICE)) {
            throw invalid("Credential should be scoped to correct service: '" + SERVICE + "'. ");
        }
        Instant signedAt = signedAt(headers.apply("X-Amz-Date"));

        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                // The Host header, not the server's idea of its address: it is what the client signed.
                .uri(URI.create("http://" + headers.apply("Host").getFirst() + rawPathAndQuery));
        for (String name : auth.signedHeaders()) {
            request.putHeader(name, headers.apply(name));
        }
        String expected = signatureIn(signer.sign(r -> r
                .identity(accepted)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElseThrow());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("The request signature we calculated does not match the signature you provided."
                    + " Check your AWS Secret Access Key and signing method. Consult the service documentation"
                    + " for details.");
        }
    }

    private Instant signedAt(List<String> amzDate) {
        if (amzDate.isEmpty()) {
            throw incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.getFirst()));
        } catch (DateTimeParseException e) {
            throw incomplete("Date must be in ISO-8601 'basic format'. Got '" + amzDate.getFirst() + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw invalid("Signature expired: " + amzDate.getFirst() + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw invalid("Signature not yet current: " + amzDate.getFirst() + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
        return signedAt;
    }

    private static String signatureIn(String authorization) {
        return Authorization.parse(authorization).signature();
    }

    private static AwsApiException invalid(String message) {
        return new AwsApiException(403, "InvalidSignatureException", message);
    }

    private static AwsApiException incomplete(String message) {
        return new AwsApiException(403, "IncompleteSignatureException", message);
    }
}
