package dev.sluice.workers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailTemplatesTest {

    private final EmailTemplates bundled = EmailTemplates.bundled();

    @Test
    void rendersTheBundledWelcome() throws Exception {
        RenderedEmail email = bundled.render("welcome", Map.of("name", "Ada"));

        assertThat(email.subject()).isEqualTo("Welcome to Sluice, Ada");
        assertThat(email.text()).startsWith("Hello Ada,\n\n").contains("Your Sluice account is ready.");
        assertThat(email.html()).contains("<p>Hello Ada,</p>");
    }

    @Test
    void rendersTheBundledJobReportWithItsList() throws Exception {
        RenderedEmail email = bundled.render("job-report", Map.of("jobCount", 2, "jobs", List.of(
                Map.of("id", "job-1", "status", "SUCCEEDED"),
                Map.of("id", "job-2", "status", "FAILED"))));

        assertThat(email.subject()).isEqualTo("Sluice: 2 jobs finished");
        assertThat(email.text()).isEqualTo("2 jobs finished:\n\njob-1 SUCCEEDED\njob-2 FAILED\n");
        assertThat(email.html())
                .contains("<tr><td>job-1</td><td>SUCCEEDED</td></tr>")
                .contains("<tr><td>job-2</td><td>FAILED</td></tr>");
    }

    @Test
    void escapesDataInHtmlOnly() throws Exception {
        RenderedEmail email = bundled.render("welcome", Map.of("name", "<script>alert('x')</script> & co"));

        assertThat(email.html()).contains("&lt;script&gt;").doesNotContain("<script>").doesNotContain("& co");
        assertThat(email.text()).contains("Hello <script>alert('x')</script> & co,");
        assertThat(email.subject()).isEqualTo("Welcome to Sluice, <script>alert('x')</script> & co");
    }

    @Test
    void keepsTheSubjectOnOneLine() throws Exception {
        RenderedEmail email = bundled.render("welcome", Map.of("name", "Ada\r\nBcc: everyone@example.com"));

        assertThat(email.subject()).isEqualTo("Welcome to Sluice, Ada Bcc: everyone@example.com");
    }

    @Test
    void aMissingVariableIsAnErrorNamingIt() {
        assertThatThrownBy(() -> bundled.render("welcome", Map.of("nom", "Ada")))
                .isInstanceOfSatisfying(TemplateDataException.class, e -> {
                    assertThat(e.variable()).isEqualTo("name");
                    assertThat(e.templateId()).isEqualTo("welcome");
                })
                .hasMessageContaining("\"name\"")
                .hasMessageContaining("subject.mustache");
    }

    @Test
    void aMissingListIsAnErrorToo() {
        assertThatThrownBy(() -> bundled.render("job-report", Map.of("jobCount", 0)))
                .isInstanceOfSatisfying(TemplateDataException.class, e -> assertThat(e.variable()).isEqualTo("jobs"));
    }

    @Test
    void aMissingFieldInsideTheListIsAnError() {
        assertThatThrownBy(() -> bundled.render("job-report",
                Map.of("jobCount", 1, "jobs", List.of(Map.of("id", "job-1")))))
                .isInstanceOfSatisfying(TemplateDataException.class, e -> assertThat(e.variable()).isEqualTo("status"))
                .hasMessageContaining("text.mustache");
    }

    @Test
    void anUnknownTemplateIsAnErrorNamingIt() {
        assertThatThrownBy(() -> bundled.render("farewell", Map.of()))
                .isInstanceOfSatisfying(UnknownTemplateException.class,
                        e -> assertThat(e.templateId()).isEqualTo("farewell"))
                .hasMessageContaining("\"farewell\"");
    }

    @Test
    void readsAFolderOnDiskWhereHtmlIsOptional(@TempDir Path dir) throws Exception {
        write(dir.resolve("note"), "Note for {{who}}", "Hi {{who}} & friends");

        RenderedEmail email = new EmailTemplates(dir).render("note", Map.of("who", "Bob"));

        assertThat(email).isEqualTo(new RenderedEmail("Note for Bob", "Hi Bob & friends", null));
    }

    @Test
    void compilesEachTemplateOnce(@TempDir Path dir) throws Exception {
        write(dir.resolve("note"), "first", "first");
        EmailTemplates templates = new EmailTemplates(dir);
        templates.render("note", Map.of());

        write(dir.resolve("note"), "second", "second");

        assertThat(templates.render("note", Map.of()).subject()).isEqualTo("first");
    }

    @Test
    void anIdCannotReachOutsideTheFolder(@TempDir Path root) throws Exception {
        write(root.resolve("secret"), "secret", "secret");
        Path dir = Files.createDirectories(root.resolve("templates"));

        assertThatThrownBy(() -> new EmailTemplates(dir).render("../secret", Map.of()))
                .isInstanceOf(UnknownTemplateException.class);
    }

    private static void write(Path templateDir, String subject, String text) throws Exception {
        Files.createDirectories(templateDir);
        Files.writeString(templateDir.resolve("subject.mustache"), subject);
        Files.writeString(templateDir.resolve("text.mustache"), text);
    }
}
