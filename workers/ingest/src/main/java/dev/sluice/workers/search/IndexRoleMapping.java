package dev.sluice.workers.search;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.util.List;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;

/**
 * Grants IAM roles read and write on one index of a domain with fine-grained access control, whose
 * security plugin lets an IAM identity do nothing it is not mapped to: a role {@code INDEX-read-write}
 * and its mapping to the roles as backend roles, each written whole (PUT), so writing them again
 * changes nothing and a changed list replaces the old one.
 */
final class IndexRoleMapping {

    static final String API = "/_plugins/_security/api/";
    /**
     * What OpenSearchVectorIndex does: bulk (a cluster-level action), search and index/delete
     * documents (crud), read the mapping and create the index when it is missing.
     */
    static final List<String> INDEX_ACTIONS = List.of("crud", "create_index", "indices:admin/mappings/get");
    static final List<String> CLUSTER_ACTIONS = List.of("cluster_composite_ops");

    private final OpenSearchGenericClient client;

    IndexRoleMapping(OpenSearchTransport transport) {
        this.client = new OpenSearchGenericClient(transport);
    }

    static String roleName(String index) {
        return index + "-read-write";
    }

    void grant(String index, List<String> backendRoles) throws IOException {
        String role = roleName(index);
        ObjectNode permissions = Json.object();
        CLUSTER_ACTIONS.forEach(permissions.putArray("cluster_permissions")::add);
        ObjectNode onIndex = permissions.putArray("index_permissions").addObject();
        onIndex.putArray("index_patterns").add(index);
        INDEX_ACTIONS.forEach(onIndex.putArray("allowed_actions")::add);
        put(API + "roles/" + role, permissions);

        ObjectNode mapping = Json.object();
        backendRoles.forEach(mapping.putArray("backend_roles")::add);
        put(API + "rolesmapping/" + role, mapping);
    }

    private void put(String path, ObjectNode body) throws IOException {
        try (Response response = client.execute(Requests.builder().method("PUT").endpoint(path)
                .json(Json.write(body)).build())) {
            if (response.getStatus() / 100 != 2) {
                String answer = response.getBody().map(Body::bodyAsString).orElse("");
                throw new IllegalStateException("PUT " + path + " answered HTTP " + response.getStatus() + " " + answer
                        + (response.getStatus() == 404 ? " (no security plugin: is fine-grained access control on?)"
                                : ""));
            }
        }
    }
}
