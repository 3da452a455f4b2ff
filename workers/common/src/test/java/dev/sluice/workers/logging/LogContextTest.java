package dev.sluice.workers.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.workers.support.TestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void anInvocationPutsTheFunctionRequestAndCorrelationIdsAndRemovesThemAfter() {
        TestContext context = new TestContext();
        try (LogContext invocation = LogContext.invocation(context, "corr-1")) {
            assertThat(MDC.getCopyOfContextMap()).containsEntry("function", context.getFunctionName())
                    .containsEntry("requestId", context.getAwsRequestId()).containsEntry("correlationId", "corr-1");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void withoutAContextNothingIsPut() {
        try (LogContext invocation = LogContext.invocation(null)) {
            assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
        }
    }

    @Test
    void aNestedScopeRestoresWhatTheEnclosingOneSetNotClearsIt() {
        // The local runtime's shared threads: a function's invocation inside another's scope.
        MDC.put("function", "outer");
        MDC.put("unrelated", "stays");
        try (LogContext invocation = LogContext.invocation("api", "req-1", "corr-1")) {
            try (LogContext job = LogContext.job("acme", "job-1", "corr-2")) {
                assertThat(MDC.getCopyOfContextMap()).containsEntry("function", "api")
                        .containsEntry("tenantId", "acme").containsEntry("jobId", "job-1")
                        .containsEntry("correlationId", "corr-2");
            }
            assertThat(MDC.getCopyOfContextMap()).containsEntry("correlationId", "corr-1")
                    .doesNotContainKeys("jobId", "tenantId");
            try (LogContext document = LogContext.document("acme", "doc-1", null)) {
                // No correlation id of its own: the invocation's stands.
                assertThat(MDC.getCopyOfContextMap()).containsEntry("correlationId", "corr-1")
                        .containsEntry("documentId", "doc-1");
            }
        }
        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("function", "outer", "unrelated", "stays"));
    }
}
