package dev.sluice.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --since 30m}, {@code 24h}, {@code 7d} (and {@code s}): how far back an operator command looks.
 * A minimal parser for the documents, executions and events commands; another branch writes the
 * project's one ({@code dev.sluice.cli.where.Durations}) and this one goes when they meet.
 */
final class SinceDurations {

    private static final Pattern SHAPE = Pattern.compile("(\\d{1,9})([smhd])");

    private SinceDurations() {
    }

    /** @throws IllegalArgumentException not a positive number and one of s, m, h, d */
    static Duration parse(String text) {
        Matcher m = SHAPE.matcher(text == null ? "" : text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("--since \"" + text + "\" is not a duration such as 30m, 24h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
