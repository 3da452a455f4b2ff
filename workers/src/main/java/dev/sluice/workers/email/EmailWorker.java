package dev.sluice.workers.email;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.MailException;
import dev.sluice.core.mail.Mailer;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.jobs.PermanentJobException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** The e-mail lane: render the job's template, record the send, then send it through the {@link Mailer}. */
public final class EmailWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public EmailWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        Mailer mailer = switch (Setting.MAILER.from(aws)) {
            case "ses" -> new SesMailer(aws.build(SesV2Client.builder(), "SESV2"));
            case "outbox" -> new OutboxMailer(Path.of(Setting.MAIL_OUTBOX_DIR.from(aws)));
            default -> throw new IllegalArgumentException("MAILER must be ses or outbox");
        };
        EmailSends sends = new EmailSends(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                Setting.JOBS_TABLE.from(aws));
        this.worker = JobQueueWorker.fromEnvironment(new Executor(EmailTemplates.bundled(), mailer, sends,
                Setting.MAIL_FROM.from(aws), Clock.systemUTC()), aws);
    }

    public EmailWorker(JobQueueWorker worker) {
        this.worker = worker;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handle(event, context);
    }

    public record Executor(EmailTemplates templates, Mailer mailer, EmailSends sends, String from, Clock clock)
            implements JobExecutor {

        @Override
        public JobOutcome execute(Job job, JsonNode payload, Context context) throws Exception {
            String templateId = payload.get("templateId").asText();
            String to = payload.get("to").asText();
            RenderedEmail rendered;
            try {
                rendered = templates.render(templateId, Json.MAPPER.convertValue(payload.get("data"),
                        new TypeReference<Map<String, Object>>() { }));
            } catch (UnknownTemplateException e) {
                throw new PermanentJobException("unknown_template", e.getMessage(), e);
            } catch (TemplateDataException e) {
                throw new PermanentJobException("template_data", e.getMessage(), e);
            }
            String messageId = job.jobId() + "@sluice";
            Optional<EmailSends.Send> earlier = sends.claim(job.tenantId(), job.jobId(), clock.millis());
            if (earlier.isPresent()) {
                if (earlier.get().state() == EmailSends.State.SENT) {
                    return JobOutcome.of(result(earlier.get().messageId(), to, templateId, rendered.subject()));
                }
                // Sent or not, nobody can tell: a second copy is worse than none, so stop and say so.
                throw new PermanentJobException("send_outcome_unknown", "an earlier attempt was interrupted while"
                        + " sending; not sent again to avoid a duplicate e-mail");
            }
            String providerId;
            try {
                providerId = mailer.send(new EmailMessage(from, List.of(to), rendered.subject(), rendered.text(),
                        rendered.html(), messageId));
            } catch (MailException e) {
                if (e.permanent()) {
                    throw new PermanentJobException("mail_rejected", e.getMessage(), e);
                }
                sends.release(job.tenantId(), job.jobId());
                throw e;
            }
            sends.sent(job.tenantId(), job.jobId(), providerId);
            return JobOutcome.of(result(providerId, to, templateId, rendered.subject()));
        }

        private static ObjectNode result(String providerId, String to, String templateId, String subject) {
            ObjectNode result = Json.object();
            result.put("messageId", providerId);
            result.put("to", to);
            result.put("templateId", templateId);
            result.put("subject", subject);
            return result;
        }
    }
}
