package dev.sluice.workers.jobs;

import dev.sluice.core.jobs.Job;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.workers.jobevents.JobRoutes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The queues a job's "Job Submitted" event lands in ({@link JobRoutes}), and whether those queues
 * may still hold its message.
 * The sweeper asks before it gives up on a job: a job whose message may wait in a backlog is never
 * failed for being slow.
 */
public final class JobLanes {

    private final JobRoutes routes;
    private final SqsClient sqs;
    private final Map<String, String> queueUrls;

    /** The lanes of {@code topology}'s rules, whose queues are at {@code queueUrls} (by topology name). */
    public JobLanes(Topology topology, Map<String, String> queueUrls, SqsClient sqs) {
        this.routes = new JobRoutes(topology);
        this.sqs = sqs;
        this.queueUrls = Map.copyOf(queueUrls);
    }

    /** The queues the job's "Job Submitted" event is routed to. */
    public List<QueueSpec> of(Job job) {
        return routes.of(job);
    }

    /**
     * A view of the lanes' depths for one sweep: a queue is asked once, however many jobs are due.
     */
    public Depths depths() {
        return new Depths();
    }

    /** Queue depths as one sweep saw them. */
    public final class Depths {

        private final Map<String, Long> byQueue = new HashMap<>();

        private Depths() {
        }

        /**
         * Whether the job's message may still be in one of its queues: some queue of its lane holds
         * messages (waiting, in flight or delayed), and the job is younger than that queue keeps them.
         */
        public boolean mayHold(Job job, long now) {
            for (QueueSpec queue : of(job)) {
                boolean young = now - job.submittedAt() < queue.retentionSeconds() * 1000L;
                if (young && depth(queue.name()) > 0) {
                    return true;
                }
            }
            return false;
        }

        private long depth(String queue) {
            return byQueue.computeIfAbsent(queue, name -> {
                String url = queueUrls.get(name);
                if (url == null) {
                    throw new IllegalStateException("lane queue " + name + " has no URL: add it to LANE_QUEUE_URLS"
                            + " in the sweeper's environment");
                }
                Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
                return attributes.values().stream().mapToLong(Long::parseLong).sum();
            });
        }
    }
}
