package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.Mailer;
import dev.sluice.workers.email.EmailTemplates;
import dev.sluice.workers.email.EmailWorker;
import dev.sluice.workers.email.SesMailer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The e-mail lane's send record on the job row: an e-mail is never sent twice, whatever the mailer answers. */
class EmailNeverTwiceTest {

    static StoreFixture fixture;
    static JobStore jobs;

    @BeforeAll
    static void start() {
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /** A mailer that answers from a script: a provider id, or a failure. */
    static final class ScriptedMailer implements Mailer {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<EmailMessage> sent = new CopyOnWriteArrayList<>();

        @Override
        public String send(EmailMessage message) {
            sent.add(message);
            Object answer = answers.pop();
            if (answer instanceof PortFailure failure) {
                throw failure;
            }
            return (String) answer;
        }
    }

    static Job runningJob() {
        long now = System.currentTimeMillis();
        Job job = Job.queued(UuidCreator.getTimeOrderedEpoch().toString(), "t-mail", "u", JobType.EMAIL_SEND, "normal",
                now, null, null);
        jobs.create(job, null, null, now, now + 3_600_000);
        return ((JobStore.Claim.Running) jobs.markRunning("t-mail", job.jobId(), now, now + 60_000, now)).job();
    }

    static EmailWorker.Executor executor(ScriptedMailer mailer) {
        return new EmailWorker.Executor(EmailTemplates.bundled(), mailer, jobs, "noreply@sluice.dev", Clock.systemUTC());
    }

    static final String PAYLOAD = """
            {"userId":"u","to":"ada@example.com","templateId":"welcome","data":{"name":"Ada"},"priority":"normal",
             "timestamp":1}""";

    @Test
    void anUnknownOutcomeFailsTheJobForAnOperatorAndNoLaterAttemptSendsAgain() {
        ScriptedMailer mailer = new ScriptedMailer();
        mailer.answers.add(PortFailure.permanent(SesMailer.OUTCOME_UNKNOWN, "no answer from SES", null));
        Job job = runningJob();

        assertThatThrownBy(() -> executor(mailer).execute(job, Json.parse(PAYLOAD), null))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(SesMailer.OUTCOME_UNKNOWN);
                    assertThat(e.retryable()).isFalse();
                });
        // Another delivery (a replay forced by an operator, or a duplicate) finds the record and sends nothing.
        assertThatThrownBy(() -> executor(mailer).execute(job, Json.parse(PAYLOAD), null))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(SesMailer.OUTCOME_UNKNOWN);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(mailer.sent).hasSize(1);
        assertThat(jobs.claimSend("t-mail", job.jobId(), 0)).contains(JobStore.SendState.SENDING);
    }

    @Test
    void aRefusalBeforeAcceptingReleasesTheRecordSoARetrySends() throws Exception {
        ScriptedMailer mailer = new ScriptedMailer();
        mailer.answers.add(PortFailure.retryable("mail_throttled", "slow down", null));
        mailer.answers.add("ses-message-1");
        Job job = runningJob();

        assertThatThrownBy(() -> executor(mailer).execute(job, Json.parse(PAYLOAD), null))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(executor(mailer).execute(job, Json.parse(PAYLOAD), null).result().get("messageId").asText())
                .isEqualTo("ses-message-1");
        assertThat(mailer.sent).hasSize(2);
    }

    @Test
    void aPermanentRefusalFailsTheJobWithItsCode() {
        ScriptedMailer mailer = new ScriptedMailer();
        mailer.answers.add(PortFailure.permanent("mail_rejected", "MessageRejected", null));

        assertThatThrownBy(() -> executor(mailer).execute(runningJob(), Json.parse(PAYLOAD), null))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("mail_rejected");
                    assertThat(e.retryable()).isFalse();
                });
    }
}
