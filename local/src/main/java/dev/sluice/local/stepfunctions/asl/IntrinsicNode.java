package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One parsed piece of an intrinsic expression: the call itself or one of its arguments. */
sealed interface IntrinsicNode {

    /** A number, {@code true}, {@code false} or {@code null} written in the expression. */
    record Literal(JsonNode value) implements IntrinsicNode {
    }

    /**
     * A quoted string with its escapes resolved. {@code pieces} is the text split at every unescaped
     * {@code {}}, because only States.Format can tell a placeholder from an escaped {@code \{\}} and it needs
     * the split the escapes decided, not the resolved value.
     */
    record Text(String value, List<String> pieces) implements IntrinsicNode {

        int placeholders() {
            return pieces.size() - 1;
        }
    }

    /** A path ({@code $...} or {@code $$...}), resolved against the state's input or the context object. */
    record Path(String path) implements IntrinsicNode {
    }

    record Call(IntrinsicFunction function, List<IntrinsicNode> args) implements IntrinsicNode {
    }
}
