package dev.sluice.workers.ai.resilience;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which side of a canary a user is on: SHA-256 of the candidate model and the sticky key, read as an unsigned
 * number, modulo 100 is the user's bucket; buckets below the percent go to the candidate. The same user lands in
 * the same bucket in every process, and raising the percent only moves users from the primary to the candidate.
 * The candidate salts the hash so that each trial samples other users, not always the same first percent.
 */
public final class CanarySplit {

    private CanarySplit() {
    }

    public static int bucket(String candidateModelId, String stickyKey) {
        byte[] digest = sha256().digest((candidateModelId + "\n" + stickyKey).getBytes(StandardCharsets.UTF_8));
        // 2^64 mod 100 = 16: buckets 0..15 are likelier by 1 in 10^17, nothing to correct.
        return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), 100);
    }

    /** A null sticky key (no user to stick to) always goes to the primary. */
    public static boolean toCandidate(String candidateModelId, String stickyKey, int percent) {
        return stickyKey != null && bucket(candidateModelId, stickyKey) < percent;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
