package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/** A Choice Rule: a comparison on a Variable, or And/Or/Not of nested rules. */
sealed interface ChoiceRule {

    boolean test(JsonNode input, JsonNode context);

    /** A top-level rule of {@code Choices} with the state it leads to. */
    record Branch(ChoiceRule rule, String next) {
    }

    record And(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return rules.stream().allMatch(rule -> rule.test(input, context));
        }
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return rules.stream().anyMatch(rule -> rule.test(input, context));
        }
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return !rule.test(input, context);
        }
    }

    /** {@code operand} is the literal, or null when {@code operandPath} (the {@code *Path} form) is set. */
    record Comparison(String variable, Operator operator, JsonNode operand, String operandPath) implements ChoiceRule {

        @Override
        public boolean test(JsonNode input, JsonNode context) {
            if (operator == Operator.IS_PRESENT) {
                return JsonPaths.exists(variable, input, context) == operand.asBoolean();
            }
            JsonNode value = JsonPaths.read(variable, input, context);
            JsonNode other = operandPath == null ? operand : JsonPaths.read(operandPath, input, context);
            return operator.test(value, other);
        }
    }

    enum Type { STRING, NUMERIC, BOOLEAN, TIMESTAMP, MATCHES, TEST }

    enum Operator {
        STRING_EQUALS("StringEquals", Type.STRING, c -> c == 0),
        STRING_LESS_THAN("StringLessThan", Type.STRING, c -> c < 0),
        STRING_GREATER_THAN("StringGreaterThan", Type.STRING, c -> c > 0),
        STRING_LESS_THAN_EQUALS("StringLessThanEquals", Type.STRING, c -> c <= 0),
        STRING_GREATER_THAN_EQUALS("StringGreaterThanEquals", Type.STRING, c -> c >= 0),
        STRING_MATCHES("StringMatches", Type.MATCHES, null),
        NUMERIC_EQUALS("NumericEquals", Type.NUMERIC, c -> c == 0),
        NUMERIC_LESS_THAN("NumericLessThan", Type.NUMERIC, c -> c < 0),
        NUMERIC_GREATER_THAN("NumericGreaterThan", Type.NUMERIC, c -> c > 0),
        NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Type.NUMERIC, c -> c <= 0),
        NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Type.NUMERIC, c -> c >= 0),
        BOOLEAN_EQUALS("BooleanEquals", Type.BOOLEAN, c -> c == 0),
        TIMESTAMP_EQUALS("TimestampEquals", Type.TIMESTAMP, c -> c == 0),
        TIMESTAMP_LESS_THAN("TimestampLessThan", Type.TIMESTAMP, c -> c < 0),
        TIMESTAMP_GREATER_THAN("TimestampGreaterThan", Type.TIMESTAMP, c -> c > 0),
        TIMESTAMP_LESS_THAN_EQUALS("TimestampLessThanEquals", Type.TIMESTAMP, c -> c <= 0),
        TIMESTAMP_GREATER_THAN_EQUALS("TimestampGreaterThanEquals", Type.TIMESTAMP, c -> c >= 0),
        IS_NULL("IsNull", Type.TEST, null),
        IS_PRESENT("IsPresent", Type.TEST, null),
        IS_NUMERIC("IsNumeric", Type.TEST, null),
        IS_STRING("IsString", Type.TEST, null),
        IS_BOOLEAN("IsBoolean", Type.TEST, null),
        IS_TIMESTAMP("IsTimestamp", Type.TEST, null);

        final String field;
        final Type type;
        private final IntPredicate order;

        Operator(String field, Type type, IntPredicate order) {
            this.field = field;
            this.type = type;
            this.order = order;
        }

        /** The {@code *Path} form exists for every comparison but StringMatches and the type tests. */
        boolean hasPathForm() {
            return type != Type.TEST && type != Type.MATCHES;
        }

        /** Whether a literal operand has the type this operator compares. */
        boolean acceptsOperand(JsonNode operand) {
            return switch (type) {
                case STRING, MATCHES -> operand.isTextual();
                case NUMERIC -> operand.isNumber();
                case BOOLEAN, TEST -> operand.isBoolean();
                case TIMESTAMP -> timestamp(operand).isPresent();
            };
        }

        /** Values of the wrong type do not match: the spec makes such comparisons false, not errors. */
        boolean test(JsonNode value, JsonNode operand) {
            return switch (type) {
                case STRING -> value.isTextual() && operand.isTextual()
                        && order.test(value.asText().compareTo(operand.asText()));
                case NUMERIC -> value.isNumber() && operand.isNumber()
                        && order.test(value.decimalValue().compareTo(operand.decimalValue()));
                case BOOLEAN -> value.isBoolean() && operand.isBoolean() && value.asBoolean() == operand.asBoolean();
                case TIMESTAMP -> {
                    Optional<Instant> a = timestamp(value);
                    Optional<Instant> b = timestamp(operand);
                    yield a.isPresent() && b.isPresent() && order.test(a.get().compareTo(b.get()));
                }
                case MATCHES -> value.isTextual() && wildcard(operand.asText()).matcher(value.asText()).matches();
                case TEST -> typeOf(value) == operand.asBoolean();
            };
        }

        private boolean typeOf(JsonNode value) {
            return switch (this) {
                case IS_NULL -> value.isNull();
                case IS_NUMERIC -> value.isNumber();
                case IS_STRING -> value.isTextual();
                case IS_BOOLEAN -> value.isBoolean();
                case IS_TIMESTAMP -> timestamp(value).isPresent();
                default -> throw new IllegalStateException(field + " is not a type test");
            };
        }

        static Optional<Operator> byField(String field) {
            for (Operator operator : values()) {
                if (operator.field.equals(field)) {
                    return Optional.of(operator);
                }
            }
            return Optional.empty();
        }
    }

    /** Timestamps are RFC 3339 with an offset or Z, as the spec requires. */
    static Optional<Instant> timestamp(JsonNode value) {
        if (!value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.asText()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** StringMatches: {@code *} matches anything, {@code \*} a literal star, {@code \\} a backslash. */
    static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '*') {
                regex.append(Pattern.quote(literal.toString())).append(".*");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        return Pattern.compile(regex.append(Pattern.quote(literal.toString())).toString(), Pattern.DOTALL);
    }
}
