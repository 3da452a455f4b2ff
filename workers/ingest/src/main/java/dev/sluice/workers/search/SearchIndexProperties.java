package dev.sluice.workers.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The properties of the search index custom resource, checked as a request arrives: a wrong one
 * fails the deployment at once, naming it, rather than after a domain has come up.
 *
 * @param service {@code aoss} (a Serverless collection) or {@code es} (a managed domain)
 * @param endpoint the collection's {@code https://host}; null for {@code es}, whose endpoint DescribeDomain tells
 * @param domainName the domain's name; null for {@code aoss}
 * @param backendRoles IAM role ARNs granted read/write on the index ({@code es} only); may be empty
 */
record SearchIndexProperties(String service, URI endpoint, String domainName, String indexName, int dimensions,
        List<String> backendRoles) {

    static final String AOSS = "aoss";
    static final String ES = "es";

    /** ServiceToken is CloudFormation's own: the Provider framework's function. */
    private static final Set<String> KNOWN = Set.of("ServiceToken", "Service", "Endpoint", "DomainName", "IndexName",
            "Dimensions", "Index", "BackendRoles");
    /** Lowercase, path-safe: OpenSearch's own rules, narrowed so the name is safe in a URL path and a role name. */
    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/\\S+");

    static SearchIndexProperties of(JsonNode properties) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown ResourceProperties " + unknown + "; known are "
                    + KNOWN.stream().filter(k -> !k.equals("ServiceToken")).sorted().toList());
        }
        String service = required(properties, "Service");
        if (!service.equals(AOSS) && !service.equals(ES)) {
            throw new IllegalArgumentException("Service must be aoss (a Serverless collection) or es"
                    + " (a managed domain), not " + service);
        }
        URI endpoint = null;
        String domainName = null;
        List<String> backendRoles = List.of();
        if (service.equals(AOSS)) {
            refused(properties, "DomainName", "for es only");
            refused(properties, "BackendRoles", "for es only: a collection's data access policy grants access");
            endpoint = endpoint(required(properties, "Endpoint"));
        } else {
            refused(properties, "Endpoint", "for aoss only: a domain's endpoint is found by its DomainName");
            domainName = required(properties, "DomainName");
            backendRoles = backendRoles(optional(properties, "BackendRoles"));
        }
        String indexName = required(properties, "IndexName");
        if (!INDEX_NAME.matcher(indexName).matches()) {
            throw new IllegalArgumentException("IndexName must be 1 to 255 of a-z 0-9 . _ - and start with a letter or"
                    + " digit, not " + indexName);
        }
        int dimensions = dimensions(required(properties, "Dimensions"));
        checkIndex(required(properties, "Index"), dimensions);
        return new SearchIndexProperties(service, endpoint, domainName, indexName, dimensions, backendRoles);
    }

    /** Names the index in its store: another store or index name is another resource, which replaces this one. */
    String physicalResourceId() {
        String store = service.equals(AOSS) ? endpoint.getAuthority() : domainName;
        return service + ":" + store + "/" + indexName;
    }

    /**
     * The stack's {@code Index} must be the body this bundle creates: a stack and a bundle from different
     * builds could otherwise create an index the functions do not expect.
     */
    private static void checkIndex(String index, int dimensions) {
        String expected = OpenSearchVectorIndex.indexBody(dimensions);
        JsonNode given;
        try {
            given = Json.parse(index);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Index is " + e.getMessage());
        }
        if (!given.equals(Json.parse(expected))) {
            throw new IllegalArgumentException("Index differs from the index this bundle creates for Dimensions "
                    + dimensions + " (OpenSearchVectorIndex.indexBody): the stack sent " + index
                    + " but the bundle's is " + expected
                    + "; deploy the stack and the ingest bundle from the same build");
        }
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Endpoint is not a URL: " + text);
        }
        boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || !bare) {
            throw new IllegalArgumentException("Endpoint must be the collection's https://HOST, not " + text);
        }
        return URI.create("https://" + uri.getAuthority());
    }

    private static int dimensions(String text) {
        try {
            int dimensions = Integer.parseInt(text);
            if (dimensions > 0) {
                return dimensions;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("Dimensions must be a positive integer, not " + text);
    }

    private static List<String> backendRoles(String text) {
        if (text == null) {
            return List.of();
        }
        List<String> roles = Arrays.stream(text.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
        for (String role : roles) {
            if (!ROLE_ARN.matcher(role).matches()) {
                throw new IllegalArgumentException("BackendRoles must be IAM role ARNs separated by commas;"
                        + " not a role ARN: " + role);
            }
        }
        return roles;
    }

    private static String required(JsonNode properties, String name) {
        String value = optional(properties, name);
        if (value == null) {
            throw new IllegalArgumentException("ResourceProperties." + name + " is missing");
        }
        return value;
    }

    private static String optional(JsonNode properties, String name) {
        JsonNode value = properties.get(name);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("ResourceProperties." + name + " must be a string");
        }
        return value.asText().strip();
    }

    private static void refused(JsonNode properties, String name, String why) {
        if (optional(properties, name) != null) {
            throw new IllegalArgumentException(name + " is " + why + "; leave it out");
        }
    }
}
