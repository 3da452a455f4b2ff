package dev.sluice.workers.email;

import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.MailException;
import dev.sluice.core.mail.Mailer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Sends mail through SES v2 as raw content: the bytes of {@link MimeMessages}, the same the local
 * outbox writes, so the Message-ID and every header are ours rather than rebuilt by SES.
 */
public final class SesMailer implements Mailer {

    private final SesV2Client ses;

    public SesMailer(SesV2Client ses) {
        this.ses = ses;
    }

    @Override
    public String send(EmailMessage message) throws MailException {
        byte[] raw;
        try {
            raw = MimeMessages.toBytes(message);
        } catch (IllegalArgumentException e) {
            throw new MailException(e.getMessage(), true, e);
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
            throw new MailException("SES did not send " + message.messageId() + ": " + code + e.getMessage(),
                    !transientFailure(e), e);
        } catch (SdkClientException e) {
            throw new MailException("could not reach SES to send " + message.messageId() + ": " + e.getMessage(),
                    false, e);
        }
    }

    /**
     * Whether SES may take the same message later. Throttling and quotas ease with time, a pause is
     * an operator's to lift, and 5xx is SES's own trouble. Any other refusal (MessageRejected, an
     * unverified MAIL FROM domain, a suspended account, a bad request) is about the message or the
     * account and comes back the same on every retry.
     */
    private static boolean transientFailure(AwsServiceException e) {
        return e instanceof TooManyRequestsException || e instanceof LimitExceededException
                || e instanceof SendingPausedException || e.isThrottlingException() || e.statusCode() >= 500;
    }
}
