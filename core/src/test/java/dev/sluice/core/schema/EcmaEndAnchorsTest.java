package dev.sluice.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EcmaEndAnchorsTest {

    @Test
    void anEndAnchorMatchesOnlyAtTheEndOfTheInput() {
        var pattern = EcmaEndAnchors.INSTANCE.getRegularExpression("^[a-z]+\\.pdf$");
        assertThat(pattern.matches("a.pdf")).isTrue();
        assertThat(pattern.matches("a.pdf\n")).isFalse();
        assertThat(pattern.matches("a.pdf\r\n")).isFalse();
        assertThat(pattern.matches("a.pdf\u2028")).isFalse();
    }

    @Test
    void anEscapedDollarAndOneInAClassStayLiteral() {
        assertThat(EcmaEndAnchors.strictEnd("^a\\$[$b]$")).isEqualTo("^a\\$[$b]\\z");
        var pattern = EcmaEndAnchors.INSTANCE.getRegularExpression("^a\\$[$b]$");
        assertThat(pattern.matches("a$$")).isTrue();
        assertThat(pattern.matches("a$b")).isTrue();
        assertThat(pattern.matches("a$b\n")).isFalse();
    }

    @Test
    void anUnanchoredPatternStillSearches() {
        assertThat(EcmaEndAnchors.INSTANCE.getRegularExpression("^arn:aws[a-z-]*:s3:::").matches("arn:aws:s3:::b/k"))
                .isTrue();
    }
}
