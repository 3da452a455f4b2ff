package dev.sluice.workers.email;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.Mailer;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Sends mail through SES v2 as raw content: the bytes of {@link MimeMessages}, the same the local
 * outbox writes, so the Message-ID and every header are ours rather than rebuilt by SES.
 *
 * <p>An e-mail must never go out twice, so a send is never retried blindly: the client makes one
 * attempt (the SDK's own retries would re-POST a message SES may have accepted), and every failure
 * says which of three it is. Refused before sending (throttling, a quota, a paused account, an
 * unreachable endpoint): retryable. Refused for the message or the account: permanent. Anything
 * after the request may have reached SES (a timeout waiting for the answer, a 5xx): the outcome is
 * unknown, code {@value #OUTCOME_UNKNOWN}, permanent, for an operator to decide.
 */
public final class SesMailer implements Mailer {

    public static final String OUTCOME_UNKNOWN = "send_outcome_unknown";

    private final SesV2Client ses;

    public SesMailer(SesV2Client ses) {
        this.ses = ses;
    }

    /** SES as the function's environment names it, with the SDK's retries off (see the class comment). */
    public static SesMailer fromEnvironment(AwsClients aws) {
        return new SesMailer(aws.build(SesV2Client.builder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())), "SESV2"));
    }

    @Override
    public String send(EmailMessage message) {
        byte[] raw;
        try {
            raw = MimeMessages.toBytes(message);
        } catch (IllegalArgumentException e) {
            throw PortFailure.permanent("mail_rejected", e.getMessage(), e);
        }
        try {
            return ses.sendEmail(r -> r
                    .fromEmailAddress(message.from())
                    .destination(d -> d.toAddresses(message.to()))
                    .content(c -> c.raw(m -> m.data(SdkBytes.fromByteArrayUnsafe(raw)))))
                    .messageId();
        } catch (AwsServiceException e) {
            // Details are absent on an exception built by hand, as a stubbed client's are.
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ";
            String reason = "SES did not send " + message.messageId() + ": " + code + e.getMessage();
            if (e.statusCode() >= 500) {
                throw PortFailure.permanent(OUTCOME_UNKNOWN, "SES failed while handling " + message.messageId()
                        + " and may have accepted it: " + code + e.getMessage(), e);
            }
            throw refusedForNow(e) ? PortFailure.retryable("mail_throttled", reason, e)
                    : PortFailure.permanent("mail_rejected", reason, e);
        } catch (SdkClientException e) {
            if (neverSent(e)) {
                throw PortFailure.retryable("mail_unreachable", "could not reach SES to send " + message.messageId()
                        + ": " + e.getMessage(), e);
            }
            throw PortFailure.permanent(OUTCOME_UNKNOWN, "no answer from SES for " + message.messageId()
                    + "; it may have been sent: " + e.getMessage(), e);
        }
    }

    /**
     * Whether SES may take the same message later. Throttling and quotas ease with time, and a pause is
     * an operator's to lift. Any other 4xx (MessageRejected, an unverified MAIL FROM domain, a
     * suspended account, a bad request) is about the message or the account and comes back the same.
     */
    private static boolean refusedForNow(AwsServiceException e) {
        return e instanceof TooManyRequestsException || e instanceof LimitExceededException
                || e instanceof SendingPausedException || e.isThrottlingException();
    }

    /** A failure to connect at all: the request cannot have reached SES. */
    private static boolean neverSent(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException) {
                return true;
            }
            if (cause instanceof SocketTimeoutException timeout && timeout.getMessage() != null
                    && timeout.getMessage().toLowerCase(Locale.ROOT).contains("connect")) {
                return true;
            }
        }
        return false;
    }
}
