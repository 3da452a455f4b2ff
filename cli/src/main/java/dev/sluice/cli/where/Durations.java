package dev.sluice.cli.where;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How far back an operator looks: {@code 30s}, {@code 30m}, {@code 24h}, {@code 7d}, as in
 * {@code --since 24h}. A picocli converter ({@code converter = Durations.class}): anything else is a
 * usage error naming what to write.
 */
public final class Durations implements ITypeConverter<Duration> {

    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** @throws TypeConversionException not a positive whole number of s, m, h or d */
    public static Duration parse(String value) {
        Matcher m = DURATION.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("\"" + value + "\" is not a duration: write a whole number and s, m,"
                    + " h or d, e.g. 30m, 24h, 7d");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
