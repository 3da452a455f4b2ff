package dev.sluice.core.dynamodb;

import java.math.BigDecimal;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing DynamoDB attribute values, for every store of the project. */
public final class Attributes {

    private Attributes() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue n(double value) {
        return AttributeValue.fromN(Double.toString(value));
    }

    /** An exact decimal (money): written as its plain digits, never through a binary double. */
    public static AttributeValue n(BigDecimal value) {
        return AttributeValue.fromN(value.toPlainString());
    }

    /** A decimal number attribute, or zero when the item has none (a counter never added to). */
    public static BigDecimal decimal(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? BigDecimal.ZERO : new BigDecimal(v.n());
    }

    /** A string attribute, or null when the item has none. */
    public static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** A number attribute that every item of its kind has. */
    public static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            throw new IllegalArgumentException("item has no number " + name);
        }
        return Long.parseLong(v.n());
    }

    /** A number attribute, or null when the item has none. */
    public static Long numberOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Long.valueOf(v.n());
    }
}
