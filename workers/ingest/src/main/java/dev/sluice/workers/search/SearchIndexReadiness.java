package dev.sluice.workers.search;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.json.Json;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.opensearch.IndexDimensionMismatchException;
import dev.sluice.workers.opensearch.OpenSearchIndexProvider;
import dev.sluice.workers.opensearch.OpenSearchVectorIndex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.OpenSearchTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;
import software.amazon.awssdk.services.opensearch.model.AdvancedSecurityOptions;
import software.amazon.awssdk.services.opensearch.model.DomainStatus;
import software.amazon.awssdk.services.opensearch.model.ResourceNotFoundException;

/**
 * The isComplete handler of the search index custom resource (see {@link SearchIndexResource}),
 * called again and again until it says complete: waits until the store takes requests, then creates
 * the index with {@link OpenSearchVectorIndex#createIfMissing} (the functions' own code path) and,
 * on a domain, maps {@code BackendRoles} to read/write on it. Answers {@code Data.Endpoint}, the
 * store's https URL. Running it again changes nothing. A Delete is complete at once: the index stays.
 * <p>
 * Not yet: a domain still processing, not created or without an endpoint; a collection answering
 * 403 (its data access policy takes a while to apply); any store answering 429 or 5xx or not at
 * all (a failed deployment would roll back a domain that took half an hour). The Provider's total
 * timeout bounds the wait. Anything else fails the deployment with its message.
 */
public final class SearchIndexReadiness implements RequestStreamHandler {

    /** A data-plane connection to a store's endpoint, its requests signed for {@code service}. */
    @FunctionalInterface
    public interface Transports {
        OpenSearchTransport open(URI endpoint, String service);
    }

    private final OpenSearchClient domains;
    private final Transports transports;
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexReadiness.class);

    public SearchIndexReadiness() {
        this(AwsClients.fromEnvironment());
    }

    private SearchIndexReadiness(AwsClients aws) {
        this(aws.build(OpenSearchClient.builder(), "OPENSEARCH"), (endpoint, service) -> OpenSearchIndexProvider
                .signed(aws.httpClient(), endpoint, service, aws.region(), aws.credentials()));
    }

    /** @param domains the OpenSearch Service control plane, for DescribeDomain */
    public SearchIndexReadiness(OpenSearchClient domains, Transports transports) {
        this.domains = domains;
        this.transports = transports;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext invocation = LogContext.invocation(context)) {
            CustomResourceEvent event = CustomResourceEvent.read(input);
            ObjectNode response = event.requestType() == CustomResourceEvent.RequestType.Delete
                    ? Json.object().put("IsComplete", true)
                    : ready(SearchIndexProperties.of(event.properties()), context);
            Json.MAPPER.writeValue(output, response);
        }
    }

    private ObjectNode ready(SearchIndexProperties properties, Context context) throws IOException {
        URI endpoint = properties.service().equals(SearchIndexProperties.AOSS) ? properties.endpoint()
                : domainEndpoint(properties, context);
        if (endpoint == null) {
            return notYet();
        }
        try (OpenSearchTransport transport = transports.open(endpoint, properties.service())) {
            OpenSearchVectorIndex.createIfMissing(transport, properties.indexName(), properties.dimensions());
            if (!properties.backendRoles().isEmpty()) {
                new IndexRoleMapping(transport).grant(properties.indexName(), properties.backendRoles());
            }
        } catch (IndexDimensionMismatchException e) {
            throw new IllegalStateException("index " + e.index() + " on " + endpoint.getHost() + " holds "
                    + e.existing() + "-dimensional vectors, but Dimensions is " + e.wanted()
                    + ": an index keeps its dimension. Give the new dimension a new IndexName (the functions'"
                    + " OPENSEARCH_INDEX follows it) and index the documents again; " + e.index()
                    + " stays until you delete it", e);
        } catch (OpenSearchException e) {
            Integer status = e.response().status();
            if (status == null || status != 403) {
                throw e;
            }
            if (properties.service().equals(SearchIndexProperties.AOSS)) {
                waiting("the collection's data access policy does not let this role in yet", properties, context);
                return notYet();
            }
            throw new IllegalStateException("domain " + properties.domainName() + " refused " + e.getMessage()
                    + ": this function's role must be the domain's master user (fine-grained access control) and"
                    + " its access policy must allow it", e);
        } catch (PortFailure e) {
            if (!e.retryable()) {
                throw e;
            }
            waiting(e.getMessage(), properties, context);
            return notYet();
        }
        about(LOG.atInfo(), properties).setMessage("search index ready").addKeyValue("endpoint", endpoint.toString())
                .log();
        ObjectNode response = Json.object().put("IsComplete", true);
        response.putObject("Data").put("Endpoint", endpoint.toString());
        return response;
    }

    /** The domain's https endpoint once it takes requests, else null. */
    private URI domainEndpoint(SearchIndexProperties properties, Context context) {
        DomainStatus domain;
        try {
            domain = domains.describeDomain(d -> d.domainName(properties.domainName())).domainStatus();
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("there is no OpenSearch domain " + properties.domainName()
                    + " (DomainName) in this account and region", e);
        }
        if (Boolean.TRUE.equals(domain.deleted())) {
            throw new IllegalStateException("OpenSearch domain " + properties.domainName() + " is being deleted");
        }
        String host = domain.endpoint() != null ? domain.endpoint() : domain.endpoints().get("vpc");
        if (!Boolean.TRUE.equals(domain.created()) || Boolean.TRUE.equals(domain.processing()) || host == null) {
            waiting("domain created " + domain.created() + ", processing " + domain.processing() + ", endpoint "
                    + host, properties, context);
            return null;
        }
        AdvancedSecurityOptions security = domain.advancedSecurityOptions();
        if (!properties.backendRoles().isEmpty() && (security == null || !Boolean.TRUE.equals(security.enabled()))) {
            throw new IllegalStateException("BackendRoles are mapped by fine-grained access control, which domain "
                    + properties.domainName() + " does not have: grant the roles in its access policy and leave"
                    + " BackendRoles out, or turn fine-grained access control on");
        }
        return URI.create("https://" + host);
    }

    private static ObjectNode notYet() {
        return Json.object().put("IsComplete", false);
    }

    private void waiting(String why, SearchIndexProperties properties, Context context) {
        about(LOG.atInfo(), properties).setMessage("search index not ready yet").addKeyValue("reason", why).log();
    }

    private static LoggingEventBuilder about(LoggingEventBuilder line, SearchIndexProperties properties) {
        return line.addKeyValue("service", properties.service()).addKeyValue("index", properties.indexName());
    }
}
