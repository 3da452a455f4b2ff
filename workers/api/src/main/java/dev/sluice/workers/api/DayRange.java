package dev.sluice.workers.api;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The days an analytics route reads, from its {@code from} and {@code to} parameters ({@code yyyy-MM-dd},
 * both included, UTC): by default the week up to today.
 */
record DayRange(LocalDate from, LocalDate to) {

    private static final int DEFAULT_DAYS = 7;

    /** @throws Invalid naming the parameter, when one is not a date or the range is backwards or too long */
    static DayRange parse(Map<String, String> query, Clock clock, int maxDays) {
        LocalDate to = query.containsKey("to") ? date(query.get("to"), "to")
                : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from = query.containsKey("from") ? date(query.get("from"), "from") : to.minusDays(DEFAULT_DAYS - 1);
        if (from.isAfter(to)) {
            throw new Invalid("from", "from must not be after to");
        }
        if (ChronoUnit.DAYS.between(from, to) >= maxDays) {
            throw new Invalid("from", "at most " + maxDays + " days at once, from to to");
        }
        return new DayRange(from, to);
    }

    private static LocalDate date(String value, String name) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeException e) {
            throw new Invalid(name, name + " must be a date, yyyy-MM-dd");
        }
    }

    /** A range the API answers 400 to, naming {@code field}. */
    static final class Invalid extends RuntimeException {

        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }
}
