package dev.sluice.workers.email;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.Mailer;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.priming.Priming;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The e-mail lane: render the job's template, record on the job row that it is about to be sent,
 * then send it through the {@link Mailer}. Never twice: a send whose outcome is unknown keeps its
 * record and FAILS the job {@code send_outcome_unknown} for an operator; a later delivery finding
 * the record sends nothing. Only a send the provider refused before accepting releases the record.
 */
public final class EmailWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public EmailWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        Mailer mailer = switch (Setting.MAILER.from(aws)) {
            case "ses" -> SesMailer.fromEnvironment(aws);
            case "outbox" -> new OutboxMailer(Path.of(Setting.MAIL_OUTBOX_DIR.from(aws)));
            default -> throw new IllegalArgumentException("MAILER must be ses or outbox");
        };
        JobStore jobs = new JobStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.JOBS_TABLE.from(aws));
        Schemas schemas = Definitions.bundledSchemas();
        this.worker = JobQueueWorker.fromEnvironment(new Executor(EmailTemplates.bundled(), mailer, jobs,
                Setting.MAIL_FROM.from(aws), Clock.systemUTC()), aws, schemas);
        Priming.of(EmailWorker.class, aws).validate("/Records/0/body", schemas, JobQueueWorker.EVENT_SCHEMA)
                .register(this);
    }

    public EmailWorker(JobQueueWorker worker) {
        this.worker = worker;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handle(event, context);
    }

    public record Executor(EmailTemplates templates, Mailer mailer, JobStore jobs, String from, Clock clock)
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
                throw PortFailure.permanent("unknown_template", e.getMessage(), e);
            } catch (TemplateDataException e) {
                throw PortFailure.permanent("template_data", e.getMessage(), e);
            }
            String messageId = job.jobId() + "@sluice";
            if (jobs.claimSend(job.tenantId(), job.jobId(), clock.millis()).isPresent()) {
                // Sent or not, nobody can tell: a second copy is worse than none, so stop and say so.
                throw PortFailure.permanent(SesMailer.OUTCOME_UNKNOWN, "an earlier attempt was interrupted"
                        + " while sending; not sent again to avoid a duplicate e-mail", null);
            }
            String providerId;
            try {
                providerId = mailer.send(new EmailMessage(from, List.of(to), rendered.subject(), rendered.text(),
                        rendered.html(), messageId));
            } catch (PortFailure e) {
                if (e.code().equals(SesMailer.OUTCOME_UNKNOWN)) {
                    throw PortFailure.permanent(e.code(), e.getMessage() + "; left recorded as sending, so no"
                            + " retry or replay sends it again", e);
                }
                jobs.releaseSend(job.tenantId(), job.jobId()); // refused before accepting: a later attempt may send
                throw e;
            }
            // The completion that records this result is retried by the worker: once sent, the job succeeds.
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
