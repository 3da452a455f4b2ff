package dev.sluice.local.apigw;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Ids shaped like API Gateway's connection and request ids ({@code L0SM9cOFvHcCIhw=}): 11 random
 * bytes in base64. The URL-safe alphabet keeps {@code /} out, so an id is always one path segment
 * of an {@code @connections} URL; the trailing {@code =} still makes callers encode it, as on AWS.
 */
final class ApiGatewayIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiGatewayIds() {
    }

    static String next() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().encodeToString(bytes);
    }
}
