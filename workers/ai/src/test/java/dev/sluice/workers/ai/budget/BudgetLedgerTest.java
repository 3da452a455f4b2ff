package dev.sluice.workers.ai.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.ai.gateway.Budget.Reservation;
import dev.sluice.workers.ai.gateway.BudgetExhaustedException;
import dev.sluice.workers.support.TestClock;
import dev.sluice.workers.support.TopologyTables;
import dev.sluice.workers.tenants.TenantSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Against DynamoDB Local's engine, with the budgets table as the topology declares it. */
class BudgetLedgerTest {

    static final String TABLE = "sluice-ai-budgets";
    static final BudgetLimits DEFAULTS = new BudgetLimits(new BigDecimal("1.00"), 1_000_000);

    static AmazonDynamoDBLocal local;
    static DynamoDbClient dynamoDb;
    static TenantSettings tenants;

    final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:15:30Z"));
    final BudgetLedger ledger = new BudgetLedger(dynamoDb, TABLE, tenants, DEFAULTS, clock);

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
        TopologyTables.create(dynamoDb, TABLE);
        TopologyTables.create(dynamoDb, "sluice-tenant-settings");
        tenants = new TenantSettings(dynamoDb, "sluice-tenant-settings");
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    static Map<String, AttributeValue> window(String tenantId, String sk) {
        return dynamoDb.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(tenantId),
                "sk", AttributeValue.fromS(sk)))).item();
    }

    static BigDecimal figure(Map<String, AttributeValue> item, String name) {
        return new BigDecimal(item.get(name).n());
    }

    @Test
    void fiftyConcurrentJobsNeverReserveMoreThanTheDailyBudget() throws Exception {
        // 1.00 USD a day, 0.03 USD each: exactly 33 fit (0.99), the other 17 must wait for tomorrow.
        List<Future<Object>> outcomes = concurrently(50, i -> ledger.reserve("t-race", "job-" + i,
                new BigDecimal("0.03"), 10));

        List<Reservation> reserved = new ArrayList<>();
        List<BudgetExhaustedException> refused = new ArrayList<>();
        for (Future<Object> outcome : outcomes) {
            if (outcome.get() instanceof Reservation r) {
                reserved.add(r);
            } else {
                refused.add((BudgetExhaustedException) outcome.get());
            }
        }
        assertThat(reserved).hasSize(33);
        assertThat(refused).hasSize(17).allSatisfy(e -> {
            assertThat(e.limit()).isEqualTo("daily_usd");
            assertThat(e.retryAt()).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
        });
        Map<String, AttributeValue> day = window("t-race", "usd#2026-12-02");
        assertThat(figure(day, "reserved")).isEqualByComparingTo("0.99");
        assertThat(figure(day, "committed")).isEqualByComparingTo("0.99").isLessThanOrEqualTo(DEFAULTS.dailyUsd());
        // the refused gave their tokens back: only the 33 hold any
        assertThat(figure(window("t-race", "tpm#2026-12-02T10:15"), "reserved")).isEqualByComparingTo("330");

        // Settled concurrently to what they really cost, the day counts exactly that and holds nothing.
        concurrently(33, i -> {
            ledger.settle(reserved.get(i), new BigDecimal("0.0125"), 7);
            return null;
        });
        day = window("t-race", "usd#2026-12-02");
        assertThat(figure(day, "reserved")).isEqualByComparingTo("0");
        assertThat(figure(day, "spent")).isEqualByComparingTo("0.4125");
        assertThat(figure(day, "committed")).isEqualByComparingTo("0.4125");
        assertThat(day.keySet()).noneMatch(name -> name.startsWith("r:"));
        assertThat(figure(window("t-race", "tpm#2026-12-02T10:15"), "spent")).isEqualByComparingTo("231");
    }

    @Test
    void fiftyConcurrentJobsNeverReserveMoreThanTheTokensPerMinute() throws Exception {
        tenants.setAiBudget("t-tokens", new TenantSettings.AiBudget(null, 1000L));

        List<Future<Object>> outcomes = concurrently(50, i -> ledger.reserve("t-tokens", "job-" + i,
                new BigDecimal("0.001"), 70));

        long fitted = 0;
        for (Future<Object> outcome : outcomes) {
            if (outcome.get() instanceof BudgetExhaustedException e) {
                assertThat(e.limit()).isEqualTo("tokens_per_minute");
                assertThat(e.retryAt()).isEqualTo(Instant.parse("2026-12-02T10:16:00Z"));
            } else {
                fitted++;
            }
        }
        assertThat(fitted).isEqualTo(14);
        assertThat(figure(window("t-tokens", "tpm#2026-12-02T10:15"), "committed")).isEqualByComparingTo("980");
        // the USD of the refused was never reserved
        assertThat(figure(window("t-tokens", "usd#2026-12-02"), "reserved")).isEqualByComparingTo("0.014");
    }

    @Test
    void aSettleRepeatedForTheSameJobCountsOnce() {
        Reservation reservation = ledger.reserve("t-settle", "job-1", new BigDecimal("0.50"), 1000);

        ledger.settle(reservation, new BigDecimal("0.20"), 400);
        ledger.settle(reservation, new BigDecimal("0.20"), 400);

        Map<String, AttributeValue> day = window("t-settle", "usd#2026-12-02");
        assertThat(figure(day, "spent")).isEqualByComparingTo("0.20");
        assertThat(figure(day, "reserved")).isEqualByComparingTo("0");
        assertThat(figure(day, "committed")).isEqualByComparingTo("0.20");
        Map<String, AttributeValue> minute = window("t-settle", "tpm#2026-12-02T10:15");
        assertThat(figure(minute, "spent")).isEqualByComparingTo("400");
        assertThat(figure(minute, "committed")).isEqualByComparingTo("400");
    }

    @Test
    void aRedeliveredJobTakesOverItsOwnReservationInsteadOfReservingTwice() {
        Reservation first = ledger.reserve("t-redelivered", "job-1", new BigDecimal("0.40"), 1000);
        clock.advance(Duration.ofSeconds(5));

        Reservation again = ledger.reserve("t-redelivered", "job-1", new BigDecimal("0.45"), 1100);

        assertThat(again.usd()).isEqualByComparingTo(first.usd());
        assertThat(again.tokens()).isEqualTo(first.tokens());
        assertThat(figure(window("t-redelivered", "usd#2026-12-02"), "reserved")).isEqualByComparingTo("0.40");
        ledger.settle(again, new BigDecimal("0.10"), 100);
        assertThat(figure(window("t-redelivered", "usd#2026-12-02"), "committed")).isEqualByComparingTo("0.10");
    }

    @Test
    void anExhaustedDayFitsAgainWhenTheNextDayStarts() {
        ledger.settle(ledger.reserve("t-day", "job-1", new BigDecimal("0.90"), 10), new BigDecimal("0.90"), 10);
        assertThatThrownBy(() -> ledger.reserve("t-day", "job-2", new BigDecimal("0.20"), 10))
                .isInstanceOfSatisfying(BudgetExhaustedException.class, e -> {
                    assertThat(e.limit()).isEqualTo("daily_usd");
                    assertThat(e.retryAt()).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
                    assertThat(e.getMessage()).contains("t-day", "daily_usd", "1.00");
                });

        clock.set(Instant.parse("2026-12-03T00:00:00Z"));
        Reservation tomorrow = ledger.reserve("t-day", "job-2", new BigDecimal("0.20"), 10);

        assertThat(tomorrow.day()).isEqualTo("2026-12-03");
        assertThat(figure(window("t-day", "usd#2026-12-03"), "committed")).isEqualByComparingTo("0.20");
        assertThat(figure(window("t-day", "usd#2026-12-02"), "committed")).isEqualByComparingTo("0.90");
        // each window expires by TTL two days after it ended
        assertThat(window("t-day", "usd#2026-12-02").get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2026-12-05T00:00:00Z").getEpochSecond()));
    }

    @Test
    void anExhaustedMinuteFitsAgainTheNextMinute() {
        tenants.setAiBudget("t-minute", new TenantSettings.AiBudget(new BigDecimal("5"), 100L));
        ledger.reserve("t-minute", "job-1", new BigDecimal("0.01"), 80);
        assertThatThrownBy(() -> ledger.reserve("t-minute", "job-2", new BigDecimal("0.01"), 30))
                .isInstanceOfSatisfying(BudgetExhaustedException.class,
                        e -> assertThat(e.retryAt()).isEqualTo(Instant.parse("2026-12-02T10:16:00Z")));

        clock.set(Instant.parse("2026-12-02T10:16:00Z"));

        assertThat(ledger.reserve("t-minute", "job-2", new BigDecimal("0.01"), 30).minute())
                .isEqualTo("2026-12-02T10:16");
        assertThat(window("t-minute", "tpm#2026-12-02T10:16").get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2026-12-02T11:17:00Z").getEpochSecond()));
    }

    @Test
    void aCallThatCouldNeverFitFailsForGoodInsteadOfWaiting() {
        assertThatThrownBy(() -> ledger.reserve("t-huge", "job-1", new BigDecimal("1.01"), 10))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e).isNotInstanceOf(BudgetExhaustedException.class);
                    assertThat(e.code()).isEqualTo("budget_exceeded");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("daily_usd");
                });
        assertThat(window("t-huge", "usd#2026-12-02")).isEmpty();
    }

    @Test
    void theDayIsSpentOnceWhatWasReallySpentReachesTheLimitNotWhatIsReserved() {
        tenants.setAiBudget("t-spent", new TenantSettings.AiBudget(new BigDecimal("0.50"), null));
        assertThat(ledger.spent("t-spent")).isFalse();
        Reservation reservation = ledger.reserve("t-spent", "job-1", new BigDecimal("0.50"), 10);
        assertThat(ledger.spent("t-spent")).as("only reserved").isFalse();

        ledger.settle(reservation, new BigDecimal("0.50"), 10);

        assertThat(ledger.spent("t-spent")).isTrue();
        assertThat(ledger.spent("t-other")).isFalse();
        clock.set(Instant.parse("2026-12-03T00:00:01Z"));
        assertThat(ledger.spent("t-spent")).as("a new day").isFalse();
    }

    /** Runs {@code n} calls at once, from behind a gate, and returns each one's result or exception. */
    static List<Future<Object>> concurrently(int n, IntCall call) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Callable<Object>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                calls.add(() -> {
                    gate.await();
                    try {
                        return call.apply(index);
                    } catch (BudgetExhaustedException e) {
                        return e;
                    }
                });
            }
            List<Future<Object>> futures = new ArrayList<>();
            calls.forEach(c -> futures.add(threads.submit(c)));
            gate.countDown();
            for (Future<Object> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("a call failed", e.getCause());
                }
            }
            return futures;
        } finally {
            threads.shutdownNow();
        }
    }

    @FunctionalInterface
    interface IntCall {
        Object apply(int i) throws Exception;
    }
}
