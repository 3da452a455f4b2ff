package dev.sluice.workers.ai.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The canary sends its percent of users to the candidate, each user always to the same side. */
class CanarySplitProperties {

    static final int USERS = 4000;

    @Provide
    Arbitrary<List<String>> users() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(24).list().ofSize(USERS)
                .uniqueElements();
    }

    @Provide
    Arbitrary<String> candidates() {
        return Arbitraries.of("anthropic.claude-haiku-4-5", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "amazon.nova-pro-v1:0", "llama-3.1-8b");
    }

    /** 4000 users: one standard deviation of the share is at most 0.8 points, the tolerance 4 (five of them). */
    @Property(tries = 60)
    void theCandidatesShareIsNearItsPercent(@ForAll @IntRange(min = 0, max = 100) int percent,
            @ForAll("users") List<String> users, @ForAll("candidates") String candidate) {
        long toCandidate = users.stream().filter(u -> CanarySplit.toCandidate(candidate, u, percent)).count();

        assertThat(100.0 * toCandidate / users.size()).isCloseTo(percent, org.assertj.core.data.Offset.offset(4.0));
        if (percent == 0) {
            assertThat(toCandidate).isZero();
        }
        if (percent == 100) {
            assertThat(toCandidate).isEqualTo(users.size());
        }
    }

    @Property
    void aUserAlwaysGetsTheSameSideAndStaysOnTheCandidateAsThePercentRises(@ForAll String user,
            @ForAll("candidates") String candidate, @ForAll @IntRange(min = 0, max = 100) int percent,
            @ForAll @IntRange(min = 0, max = 100) int higher) {
        boolean side = CanarySplit.toCandidate(candidate, user, percent);

        assertThat(CanarySplit.toCandidate(candidate, user, percent)).isEqualTo(side);
        assertThat(CanarySplit.bucket(candidate, user)).isBetween(0, 99);
        if (side && higher >= percent) {
            assertThat(CanarySplit.toCandidate(candidate, user, higher)).isTrue();
        }
    }

    @Property
    void nobodyAtZeroEverybodyAtAHundred(@ForAll String user, @ForAll("candidates") String candidate) {
        assertThat(CanarySplit.toCandidate(candidate, user, 0)).isFalse();
        assertThat(CanarySplit.toCandidate(candidate, user, 100)).isTrue();
    }

    /** Pinned (the same figure as {@code sha256sum} gives), so a change of hash (which would move users between sides in a running trial) is seen. */
    @Example
    void theBucketIsTheSameInEveryProcess() {
        assertThat(CanarySplit.bucket("amazon.nova-pro-v1:0", "user-42")).isEqualTo(73);
    }

    @Example
    void withoutAStickyKeyTheCallGoesToThePrimary() {
        assertThat(CanarySplit.toCandidate("amazon.nova-pro-v1:0", null, 100)).isFalse();
    }
}
