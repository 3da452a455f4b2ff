package dev.sluice.local.sqs;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What becomes of the messages a queue's function had in flight when the runtime stopped or crashed.
 * The invocation holding them stopped with the runtime; on AWS, Lambda would have timed it out after
 * the function's timeout, so the message is visible again from its last receive plus the batching
 * window and the timeout (or at the end of its own visibility timeout, if that is sooner), not after
 * the queue's whole visibility timeout, six times longer. By then any idempotency record the
 * invocation held has run out too. Receive counts are kept: a message that crashes the runtime every
 * time still reaches its DLQ.
 *
 * <p>This edits ElasticMQ 1.7.1's own message tables ({@code message_<name>_<hash>}, columns
 * {@code next_delivery} and {@code receive_count}) before ElasticMQ reads them; SqsDurabilityTest
 * holds it to that layout.
 */
final class InFlightMessages {

    private InFlightMessages() {
    }

    static void release(String url, Topology topology) throws SQLException {
        long now = System.currentTimeMillis();
        // The longest an invocation of any of a queue's functions may hold a message.
        Map<String, Long> holds = new HashMap<>();
        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                holds.merge(f.sqsTrigger().queue(),
                        (f.timeoutSeconds() + f.sqsTrigger().maximumBatchingWindowSeconds()) * 1000L, Math::max);
            }
        }
        try (Connection db = DriverManager.getConnection(url, "", "")) {
            for (Map.Entry<String, Long> held : holds.entrySet()) {
                QueueSpec queue = topology.queue(held.getKey()).orElse(null);
                String table = table(held.getKey());
                if (queue == null || !exists(db, table)) {
                    continue;
                }
                long visibility = queue.visibilityTimeoutSeconds() * 1000L;
                long hold = held.getValue();
                if (hold >= visibility) {
                    continue;
                }
                // next_delivery of a received message = its last receive + the visibility timeout.
                try (PreparedStatement update = db.prepareStatement("UPDATE " + table
                        + " SET next_delivery = next_delivery - ? WHERE receive_count > 0 AND next_delivery > ?")) {
                    update.setLong(1, visibility - hold);
                    update.setLong(2, now);
                    update.executeUpdate();
                }
            }
        }
    }

    /** ElasticMQ's table for a queue's messages; H2 folds the unquoted name to upper case. */
    private static String table(String queue) {
        return ("message_" + queue.replace(".", "_").replace("-", "_") + "_" + Integer.toHexString(queue.hashCode()))
                .toUpperCase(Locale.ROOT);
    }

    private static boolean exists(Connection db, String table) throws SQLException {
        String escape = db.getMetaData().getSearchStringEscape();
        String pattern = table.replace("_", escape + "_");
        try (ResultSet tables = db.getMetaData().getTables(null, null, pattern, null)) {
            return tables.next();
        }
    }
}
