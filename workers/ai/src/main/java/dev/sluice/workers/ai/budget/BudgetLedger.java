package dev.sluice.workers.ai.budget;

import static dev.sluice.core.dynamodb.Attributes.decimal;
import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.ai.gateway.Budget;
import dev.sluice.workers.ai.gateway.BudgetExhaustedException;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.tenants.TenantSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The tenants' AI budgets in table {@code sluice-ai-budgets}: one item per tenant per window
 * ({@code pk=tenantId}, {@code sk=usd#yyyy-MM-dd} for the day's USD, {@code sk=tpm#yyyy-MM-ddTHH:mm}
 * for the minute's tokens), expiring by TTL once its window is long past.
 *
 * <p>A window holds {@code committed} (what counts against the limit: {@code reserved + spent}; a
 * condition expression cannot add, so the sum is kept), {@code reserved}, {@code spent}, and one
 * attribute {@code r:<jobId>} per reservation not yet settled, holding its amount.
 *
 * <ul>
 * <li>{@link #reserve}: one conditional UpdateItem per window ("fits, or the window is new, and this job
 * holds no reservation here yet"), so concurrent calls are serialized by DynamoDB and can never together
 * pass the limit. Tokens first, then USD; when the USD does not fit, the tokens are given back (a
 * give-back that is lost leaves them reserved until the minute ends, no longer).</li>
 * <li>{@link #settle}: one UpdateItem per window that moves the reservation to the real figures and
 * removes {@code r:<jobId>}, on condition that it is still there: a settle repeated (an SDK retry after a
 * lost response, a redelivered job) finds it gone and changes nothing. The per-job attribute lives only
 * while the job is in flight, so a window's item stays small however many jobs it counts.</li>
 * <li>A job redelivered after it reserved but before it settled (its process died) finds its own
 * reservation still held and takes it over instead of reserving twice.</li>
 * </ul>
 */
public final class BudgetLedger implements Budget {

    public static final String DAILY_USD = "daily_usd";
    public static final String TOKENS_PER_MINUTE = "tokens_per_minute";
    /** Kept after the day so a late settle still lands and the day's figures can be read the next morning. */
    private static final Duration DAY_KEPT = Duration.ofDays(2);
    /** Kept after the minute so a job running when the minute ended still settles there. */
    private static final Duration MINUTE_KEPT = Duration.ofHours(1);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
            .withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final TenantSettings tenants;
    private final BudgetLimits defaults;
    private final Clock clock;

    public BudgetLedger(DynamoDbClient dynamoDb, String table, TenantSettings tenants, BudgetLimits defaults,
            Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.tenants = tenants;
        this.defaults = defaults;
        this.clock = clock;
    }

    /** On the function's tables: {@code AI_BUDGETS_TABLE} and {@code TENANT_SETTINGS_TABLE}. */
    public static BudgetLedger fromEnvironment(AwsClients aws, DynamoDbClient dynamoDb, BudgetLimits defaults) {
        return new BudgetLedger(dynamoDb, Setting.AI_BUDGETS_TABLE.from(aws),
                new TenantSettings(dynamoDb, Setting.TENANT_SETTINGS_TABLE.from(aws)), defaults, Clock.systemUTC());
    }

    /** The tenant's limits: its own settings where it has them, else the configured defaults. */
    public BudgetLimits limits(String tenantId) {
        TenantSettings.AiBudget own = tenants.aiBudget(tenantId);
        return new BudgetLimits(own.dailyUsd() != null ? own.dailyUsd() : defaults.dailyUsd(),
                own.tokensPerMinute() != null ? own.tokensPerMinute() : defaults.tokensPerMinute());
    }

    @Override
    public Reservation reserve(String tenantId, String jobId, BigDecimal worstCaseUsd, long worstCaseTokens) {
        Instant now = clock.instant();
        BudgetLimits limits = limits(tenantId);
        if (worstCaseUsd.compareTo(limits.dailyUsd()) > 0) {
            throw PortFailure.permanent("budget_exceeded", "this call may cost up to " + worstCaseUsd.toPlainString()
                    + " USD, more than the tenant's whole daily budget (" + DAILY_USD + ") of "
                    + limits.dailyUsd().toPlainString() + " USD: lower maxTokens", null);
        }
        if (worstCaseTokens > limits.tokensPerMinute()) {
            throw PortFailure.permanent("budget_exceeded", "this call may use up to " + worstCaseTokens
                    + " tokens, more than the tenant's limit (" + TOKENS_PER_MINUTE + ") of "
                    + limits.tokensPerMinute() + " a minute: lower maxTokens or shorten the prompt", null);
        }
        String day = day(now);
        String minute = MINUTE.format(now);
        Window tokens = new Window(tenantId, "tpm#" + minute,
                minuteStart(now).plus(Duration.ofMinutes(1)).plus(MINUTE_KEPT));
        Window usd = new Window(tenantId, "usd#" + day, nextDay(now).plus(DAY_KEPT));
        BigDecimal heldTokens = take(tokens, jobId, BigDecimal.valueOf(worstCaseTokens),
                BigDecimal.valueOf(limits.tokensPerMinute()));
        if (heldTokens == null) {
            Instant retryAt = minuteStart(now).plus(Duration.ofMinutes(1));
            throw new BudgetExhaustedException(TOKENS_PER_MINUTE, retryAt, "tenant " + tenantId + "'s limit ("
                    + TOKENS_PER_MINUTE + ") of " + limits.tokensPerMinute() + " tokens a minute is used up for "
                    + minute + "; this call may need " + worstCaseTokens + "; the next minute starts at " + retryAt);
        }
        BigDecimal heldUsd = take(usd, jobId, worstCaseUsd, limits.dailyUsd());
        if (heldUsd == null) {
            give(tokens, jobId, heldTokens, BigDecimal.ZERO);
            Instant retryAt = nextDay(now);
            throw new BudgetExhaustedException(DAILY_USD, retryAt, "tenant " + tenantId + "'s daily budget ("
                    + DAILY_USD + ") of " + limits.dailyUsd().toPlainString() + " USD is spent or reserved for "
                    + day + "; this call may cost up to " + worstCaseUsd.toPlainString()
                    + " USD; the next day starts at " + retryAt);
        }
        return new Reservation(tenantId, jobId, day, minute, heldUsd, heldTokens.longValueExact());
    }

    @Override
    public void settle(Reservation reservation, BigDecimal costUsd, long tokens) {
        give(new Window(reservation.tenantId(), "tpm#" + reservation.minute(), null), reservation.jobId(),
                BigDecimal.valueOf(reservation.tokens()), BigDecimal.valueOf(tokens));
        give(new Window(reservation.tenantId(), "usd#" + reservation.day(), null), reservation.jobId(),
                reservation.usd(), costUsd);
    }

    /**
     * Whether today's real spending (reservations aside: they may settle lower) has reached the daily
     * budget. The tenant's limits are read only when it has spent something today.
     */
    @Override
    public boolean spent(String tenantId) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(key(tenantId, "usd#" + day(now)))).item();
        BigDecimal spent = item == null ? BigDecimal.ZERO : decimal(item, "spent");
        return spent.signum() > 0 && spent.compareTo(limits(tenantId).dailyUsd()) >= 0;
    }

    /** When the day after {@code now} starts (UTC): when a spent daily budget is whole again. */
    public static Instant nextDay(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static String day(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
    }

    private static Instant minuteStart(Instant now) {
        return now.truncatedTo(ChronoUnit.MINUTES);
    }

    /** @param expiresAt when the item may go (set by the reservation that creates it); null when settling */
    private record Window(String tenantId, String sk, Instant expiresAt) {
    }

    /**
     * Reserves {@code amount} in the window if it fits under {@code limit}: the amount now held for the
     * job (this one, or what an earlier delivery of the job holds there still), or null when it does not fit.
     */
    private BigDecimal take(Window window, String jobId, BigDecimal amount, BigDecimal limit) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(window.tenantId(), window.sk()))
                    .updateExpression("ADD committed :amount, reserved :amount"
                            + " SET #job = :amount, expiresAt = if_not_exists(expiresAt, :expires)")
                    .conditionExpression("attribute_not_exists(#job)"
                            + " AND (attribute_not_exists(committed) OR committed <= :room)")
                    .expressionAttributeNames(Map.of("#job", jobAttribute(jobId)))
                    .expressionAttributeValues(Map.of(":amount", n(amount), ":room",
                            n(limit.subtract(amount)), ":expires", n(window.expiresAt().getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return amount;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() && e.item().containsKey(jobAttribute(jobId)) ? decimal(e.item(), jobAttribute(jobId))
                    : null;
        }
    }

    /** Replaces the job's reservation of {@code reserved} in the window by {@code actual}, once. */
    private void give(Window window, String jobId, BigDecimal reserved, BigDecimal actual) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(window.tenantId(), window.sk()))
                    .updateExpression("ADD committed :change, reserved :release, spent :actual REMOVE #job")
                    .conditionExpression("attribute_exists(#job)")
                    .expressionAttributeNames(Map.of("#job", jobAttribute(jobId)))
                    .expressionAttributeValues(Map.of(":change", n(actual.subtract(reserved)),
                            ":release", n(reserved.negate()), ":actual", n(actual))));
        } catch (ConditionalCheckFailedException settledAlready) {
            // Settled before (a repeat), or the window expired: nothing is held for the job there any more.
        }
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of("pk", s(tenantId), "sk", s(sk));
    }

    private static String jobAttribute(String jobId) {
        return "r:" + jobId;
    }
}
