package dev.sluice.core.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What the CDK app sets for one deployed stage beyond the functions' environments (which come from
 * the {@link Profile} of the same name): log and archive retention, what deleting the stack does
 * to stateful resources, memory where the stage differs, alarm thresholds, cost-allocation tags, the
 * vector store, and the web ACL's per-IP rate.
 */
public record DeploymentSpec(int logRetentionDays, RemovalPolicy removalPolicy, int archiveRetentionDays,
        Map<String, Integer> memoryMb, Alarms alarms, Map<String, String> tags, VectorStore vectorStore,
        int wafRateLimitPer5Minutes) {

    public DeploymentSpec {
        memoryMb = memoryMb == null ? Map.of() : Map.copyOf(memoryMb);
        tags = Map.copyOf(tags);
    }

    /** The memory {@code function} gets in this stage. */
    public int memoryMb(FunctionSpec function) {
        return memoryMb.getOrDefault(function.name(), function.memoryMb());
    }

    public enum RemovalPolicy {
        DESTROY, RETAIN;

        @com.fasterxml.jackson.annotation.JsonCreator
        static RemovalPolicy of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** The thresholds the stage's alarms fire at. */
    public record Alarms(double errorRatePercent, int p95DurationMs, int queueAgeSeconds, double costUsdPerDay,
            double quotaPercent) {
    }

    /** Where the search index lives: {@link Collection} or {@link Domain}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Collection.class, name = "collection"),
            @JsonSubTypes.Type(value = Domain.class, name = "domain")})
    public sealed interface VectorStore permits Collection, Domain {

        /** The {@code openSearchService} (SigV4 signing name) the profile must give functions for this store. */
        String service();
    }

    /** An OpenSearch Serverless vector search collection; standby replicas double its minimum capacity. */
    public record Collection(boolean standbyReplicas) implements VectorStore {
        @Override
        public String service() {
            return "aoss";
        }
    }

    /** A managed OpenSearch domain of {@code instanceCount} data nodes, in a VPC of its own when {@code vpc}. */
    public record Domain(String instanceType, int instanceCount, int volumeGb, boolean vpc) implements VectorStore {
        @Override
        public String service() {
            return "es";
        }
    }
}
