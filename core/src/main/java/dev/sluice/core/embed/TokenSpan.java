package dev.sluice.core.embed;

/** One token's place in the text it came from: characters {@code [start, end)}. */
public record TokenSpan(int start, int end) {
}
